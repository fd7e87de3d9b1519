// Bulletin's API reference: renders /openapi.json as a readable page. Self-hosted, no dependencies, no CDN.
"use strict";

const METHODS = ["get", "post", "put", "patch", "delete"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** Follows a local `$ref` ("#/components/schemas/Post") to what it names. */
function resolve(spec, schema) {
  let seen = 0;
  while (schema && schema.$ref && seen++ < 20) {
    schema = schema.$ref.replace(/^#\//, "").split("/").reduce((node, key) => node && node[key], spec);
  }
  return schema || {};
}

function refName(schema) {
  return schema && schema.$ref ? schema.$ref.split("/").pop() : null;
}

/** A one-line description of a schema's type: `string`, `Post[]`, `integer ≥ 1`, … */
function typeLabel(spec, schema) {
  const name = refName(schema);
  if (name) return name;
  if (schema.oneOf || schema.anyOf) {
    return (schema.oneOf || schema.anyOf).map((s) => typeLabel(spec, s)).join(" | ");
  }
  let type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type || "any";
  if (type === "array" && schema.items) type = `${typeLabel(spec, schema.items)}[]`;
  const limits = [];
  if (schema.enum) limits.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    limits.push(`${schema.minLength ?? 0}–${schema.maxLength ?? "∞"} characters`);
  }
  if (schema.minimum !== undefined) limits.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) limits.push(`≤ ${schema.maximum}`);
  if (schema.format) limits.push(schema.format);
  return limits.length ? `${type} (${limits.join(", ")})` : type;
}

/** The fields of an object schema as a table; other schemas as their type. */
function schemaView(spec, schema) {
  const target = resolve(spec, schema);
  if (target.type !== "object" && !target.properties) {
    return el("p", { class: "type" }, typeLabel(spec, schema));
  }
  const required = new Set(target.required || []);
  const rows = Object.entries(target.properties || {}).map(([name, property]) =>
    el(
      "tr",
      {},
      el("td", {}, el("code", {}, name), required.has(name) ? el("span", { class: "required" }, " required") : null),
      el("td", {}, typeLabel(spec, property)),
      el("td", {}, resolve(spec, property).description || property.description || ""),
    ),
  );
  const name = refName(schema);
  return el(
    "div",
    { class: "schema" },
    name ? el("p", { class: "type" }, name) : null,
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "field"), el("th", {}, "type"), el("th", {}, "meaning"))), el("tbody", {}, rows)),
  );
}

/** The example of a JSON body: the media type's own, else its schema's (`example` or the first `examples`). */
function exampleOf(spec, content) {
  const media = content && content["application/json"];
  if (!media) return null;
  const schema = resolve(spec, media.schema || {});
  const candidates = [
    media.example,
    Object.values(media.examples || {})[0]?.value,
    schema.example,
    (schema.examples || [])[0],
    ...(schema.allOf || []).map((part) => resolve(spec, part).examples?.[0] ?? resolve(spec, part).example),
  ];
  const example = candidates.find((candidate) => candidate !== undefined);
  return example === undefined ? null : el("pre", {}, JSON.stringify(example, null, 2));
}

function operationView(spec, path, method, operation) {
  const id = operation.operationId || `${method}-${path}`;
  const parameters = (operation.parameters || []).map((p) => resolve(spec, p));
  const body = operation.requestBody && resolve(spec, operation.requestBody);
  const secured = (operation.security ?? spec.security ?? []).some((s) => Object.keys(s).length > 0);
  return el(
    "details",
    { class: "operation", id },
    el(
      "summary",
      {},
      el("span", { class: `method ${method}` }, method.toUpperCase()),
      el("code", { class: "path" }, path),
      el("span", { class: "summary" }, operation.summary || ""),
      secured ? el("span", { class: "lock", title: "Needs Authorization: Bearer <token>" }, "Bearer") : null,
    ),
    operation.description ? el("p", {}, operation.description) : null,
    parameters.length
      ? el(
          "section",
          {},
          el("h4", {}, "Parameters"),
          el(
            "table",
            {},
            el("tbody", {}, parameters.map((p) =>
              el("tr", {}, el("td", {}, el("code", {}, p.name), ` (${p.in})`, p.required ? el("span", { class: "required" }, " required") : null),
                el("td", {}, typeLabel(spec, p.schema || {})), el("td", {}, p.description || "")))),
          ),
        )
      : null,
    body
      ? el("section", {}, el("h4", {}, "Request body (application/json)"),
          schemaView(spec, body.content?.["application/json"]?.schema || {}), exampleOf(spec, body.content))
      : null,
    el(
      "section",
      {},
      el("h4", {}, "Responses"),
      Object.entries(operation.responses || {}).map(([status, response]) => {
        response = resolve(spec, response);
        const schema = response.content?.["application/json"]?.schema;
        // Every error has the same body; its status and description are what differ.
        const isError = status >= "400";
        return el(
          "div",
          { class: `response s${status[0]}` },
          el("p", {}, el("strong", {}, status), " ", response.description || "",
            isError && schema ? el("code", { class: "error-body" }, ' {"error": string}') : null),
          schema && !isError ? schemaView(spec, schema) : null,
          isError ? null : exampleOf(spec, response.content),
        );
      }),
    ),
  );
}

async function main() {
  const root = document.getElementById("api");
  let spec;
  try {
    const response = await fetch("/openapi.json");
    spec = await response.json();
  } catch (error) {
    root.replaceChildren(el("p", { class: "error" }, `Could not load /openapi.json: ${error}`));
    return;
  }
  document.title = `${spec.info.title} ${spec.info.version} · API`;
  const byTag = new Map();
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      if (!item[method]) continue;
      const tag = (item[method].tags || ["other"])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operationView(spec, path, method, item[method]));
    }
  }
  const tagDescriptions = new Map((spec.tags || []).map((t) => [t.name, t.description || ""]));
  const content = [
    el("h1", {}, `${spec.info.title} API `, el("small", {}, spec.info.version)),
    spec.info.description ? el("p", { class: "intro" }, spec.info.description) : null,
    el("p", {}, "Machine-readable: ", el("a", { href: "/openapi.json" }, "/openapi.json"), " (OpenAPI ", spec.openapi, ")."),
    ...[...byTag.entries()].map(([tag, operations]) =>
      el("section", { class: "tag" }, el("h2", {}, tag), el("p", {}, tagDescriptions.get(tag) || ""), operations),
    ),
  ];
  root.replaceChildren(...content.filter((node) => node !== null));
}

main();
