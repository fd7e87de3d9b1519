//! The feed's first page, asked for while the app is still loading.
//!
//! A member's token sits in localStorage from the first millisecond, but the app can only send it once the wasm
//! has downloaded, compiled and hydrated: on a phone network that is seconds in which the feed request could
//! already have been answered. So the page's first script (a tiny inline one, under the page's nonce) sends the
//! very request the feed will make for its first listing, and the feed adopts that answer instead of asking again.
//!
//! The script only starts the request and keeps the answer's status and text. Everything that decides what the
//! answer means stays in Rust: an answer other than 200, or one that does not decode, is dropped and the feed asks
//! the usual way (where a 401 ends the session as usual).

use crate::model::feed::FeedQueryInput;

/// The global the script leaves the request in: `{ token, at, answer: Promise<{ status, body }> }`, `at` being
/// when it was sent (ms since the epoch, by this browser's clock, which is also what it is compared with).
const GLOBAL: &str = "__bulletinEarlyFeed";

/// A request sent longer ago than this (ms) is not adopted: the feed was not shown soon after the page loaded, and
/// a listing that old may miss newer posts.
#[cfg(feature = "hydrate")]
const FRESH_FOR_MS: f64 = 15_000.0;

/// The query of the feed's first listing (newest first, no search, first page): what the script asks for and the
/// only listing that may adopt its answer.
pub fn first_listing() -> FeedQueryInput {
    FeedQueryInput { sort: Some(crate::model::feed::PostSort::Newest.as_str().to_owned()), ..Default::default() }
}

/// The inline script: on `/` (no query), with a token in storage, sends the first listing's request as the app
/// would (`Authorization: Bearer`, JSON body) and keeps the pending answer in `GLOBAL`. It never throws, and it
/// holds no `&`, `<` or `>`, so it reads the same whether or not the renderer escapes a script's text.
#[cfg(feature = "ssr")]
pub fn script() -> String {
    use server_fn::ServerFn;
    let path = <crate::api::posts::ListPosts as ServerFn>::PATH;
    let body = serde_json::json!({ "query": first_listing() }).to_string();
    let token_key = crate::client::token_store::TOKEN_KEY;
    let read_after_key = crate::client::read_after::READ_AFTER_KEY;
    let read_after_header = crate::model::read_after::READ_AFTER_HEADER;
    // gloo-storage keeps values as JSON: the token is a JSON string, the read-after position an object whose
    // `position` is text and `until` the second it stops being sent (`client/read_after.rs`). (Math.sign: no `<`.)
    format!(
        "try{{var t=JSON.parse(localStorage.getItem({token_key:?})||\"null\");\
         if(typeof t===\"string\")if(t)if(location.pathname===\"/\")if(!location.search){{\
         var h={{\"Content-Type\":\"application/json\",\"Accept\":\"application/json\",\"Authorization\":\"Bearer \"+t}};\
         var p=JSON.parse(localStorage.getItem({read_after_key:?})||\"null\");\
         if(p)if(Math.sign(p.until-Date.now()/1000)===1)h[{read_after_header:?}]=String(p.position);\
         window.{GLOBAL}={{token:t,at:Date.now(),answer:fetch({path:?},{{method:\"POST\",\
         headers:h,\
         body:{body:?}}}).then(function(r){{return r.text().then(function(b){{return{{status:r.status,body:b}}}})}}).catch(function(){{return{{status:0,body:\"\"}}}})}}}}\
         }}catch(e){{}}"
    )
}

/// The early answer for `query` sent with `token`, taken once: `None` when there is none, when it was for another
/// query or token, when it is stale, failed or does not decode. The caller then asks the usual way.
/// (`Send`, as Leptos' actions and resources need: the browser's promise is only ever polled on its one thread.)
#[cfg(feature = "hydrate")]
pub fn take(
    query: &FeedQueryInput,
    token: Option<&str>,
) -> impl std::future::Future<Output = Option<crate::model::posts::PostPage>> + Send + use<> {
    send_wrapper::SendWrapper::new(take_in_browser(query.clone(), token.map(str::to_owned)))
}

#[cfg(feature = "hydrate")]
async fn take_in_browser(query: FeedQueryInput, token: Option<String>) -> Option<crate::model::posts::PostPage> {
    use wasm_bindgen::{JsCast, JsValue};
    let (query, token) = (&query, token.as_deref());
    let window = web_sys::window()?;
    let early = js_sys::Reflect::get(&window, &JsValue::from_str(GLOBAL)).ok().filter(|v| v.is_object())?;
    // Taken once, whatever happens next: a later visit to the feed asks afresh.
    let _ = js_sys::Reflect::delete_property(&window, &JsValue::from_str(GLOBAL));
    let field = |name: &str| js_sys::Reflect::get(&early, &JsValue::from_str(name)).ok();
    let age = field("at").and_then(|at| at.as_f64()).map(|at| js_sys::Date::now() - at);
    let fresh = age.is_some_and(|age| (0.0..=FRESH_FOR_MS).contains(&age));
    let same_token = token.is_some() && field("token").and_then(|t| t.as_string()).as_deref() == token;
    if *query != first_listing() || !fresh || !same_token {
        return None;
    }
    let answer = field("answer")?.dyn_into::<js_sys::Promise>().ok()?;
    let answer = wasm_bindgen_futures::JsFuture::from(answer).await.ok()?;
    let read = |name: &str| js_sys::Reflect::get(&answer, &JsValue::from_str(name)).ok();
    if read("status")?.as_f64()? != 200.0 {
        return None;
    }
    serde_json::from_str(&read("body")?.as_string()?).ok()
}

/// On the server there is no early answer (the feed is only listed in the browser).
#[cfg(not(feature = "hydrate"))]
pub async fn take(_query: &FeedQueryInput, _token: Option<&str>) -> Option<crate::model::posts::PostPage> {
    None
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_script_asks_for_the_first_listing_at_the_list_posts_endpoint() {
        let script = script();
        assert!(script.contains(r#"fetch("/api/list_posts""#), "{script}");
        let body = serde_json::to_string(&serde_json::json!({"query": first_listing()}).to_string()).unwrap();
        assert!(script.contains(&body), "{script}");
        assert!(script.contains(r#"localStorage.getItem("bulletin_token")"#), "{script}");
        // Reads after this browser's own writes, on a board with read replicas.
        assert!(script.contains(r#"h["bulletin-read-after"]=String(p.position)"#), "{script}");
        // Inline in HTML: nothing an HTML escaper would change, and nothing that could close the element.
        assert!(!script.contains(['&', '<', '>']), "{script}");
    }
}
