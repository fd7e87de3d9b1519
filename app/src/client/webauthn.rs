//! The browser's WebAuthn, through its JSON methods: the server's options go in as JSON
//! (`PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON`), the credential comes out
//! as JSON (`toJSON()`), so the app never handles the binary parts itself and needs no JavaScript of its own.
//! Compiles on the server as stubs that answer "not supported" (nothing here runs during server rendering).

use serde_json::Value;

/// Why the browser gave no credential, in words for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebAuthnFailure {
    /// No WebAuthn, or none of the JSON methods it needs (an old browser), or not a secure page.
    Unsupported,
    /// The person cancelled, the time ran out, or no passkey for this site was there to use.
    Cancelled,
    /// Registration: this authenticator holds one of your passkeys already.
    AlreadyRegistered,
    /// A sign-in was stopped by the page itself (autofill making way for the button).
    Aborted,
    /// The page is not at the address the passkeys are made for (opened by IP address, say).
    WrongSite,
    Other(String),
}

impl std::fmt::Display for WebAuthnFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WebAuthnFailure::Unsupported => {
                "This browser cannot use passkeys here. Try an up-to-date browser, or sign in with your password."
            }
            WebAuthnFailure::Cancelled => "No passkey was used: it was cancelled, timed out, or none was found.",
            WebAuthnFailure::AlreadyRegistered => "This device already holds one of your passkeys.",
            WebAuthnFailure::Aborted => "Cancelled.",
            WebAuthnFailure::WrongSite => {
                "Passkeys work only at this board's own address (its host name), not at this one. Open it there."
            }
            WebAuthnFailure::Other(message) => message,
        })
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Value, WebAuthnFailure};
    use js_sys::{Function, JSON, Object, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    fn get(target: &JsValue, name: &str) -> Option<JsValue> {
        Reflect::get(target, &JsValue::from_str(name)).ok().filter(|value| !value.is_undefined() && !value.is_null())
    }

    /// `PublicKeyCredential`, if this page may use WebAuthn and the browser has the JSON methods.
    fn public_key_credential() -> Option<JsValue> {
        let window = web_sys::window()?;
        if !window.is_secure_context() {
            return None;
        }
        let class = get(&window, "PublicKeyCredential")?;
        get(&class, "parseCreationOptionsFromJSON")?;
        Some(class)
    }

    pub fn supported() -> bool {
        public_key_credential().is_some()
    }

    /// Whether the browser can offer passkeys in the username field's autofill (conditional mediation).
    pub async fn autofill_available() -> bool {
        let Some(class) = public_key_credential() else { return false };
        let Some(check) = get(&class, "isConditionalMediationAvailable").and_then(|f| f.dyn_into::<Function>().ok())
        else {
            return false;
        };
        match check.call0(&class).ok().and_then(|p| p.dyn_into::<Promise>().ok()) {
            Some(promise) => JsFuture::from(promise).await.is_ok_and(|answer| answer.as_bool() == Some(true)),
            None => false,
        }
    }

    /// Calls `PublicKeyCredential[parse](options)` and then `navigator.credentials[method]({publicKey, ...})`.
    async fn ceremony(
        parse: &str,
        method: &str,
        options: &Value,
        extra: &[(&str, JsValue)],
    ) -> Result<Value, WebAuthnFailure> {
        let class = public_key_credential().ok_or(WebAuthnFailure::Unsupported)?;
        let parse =
            get(&class, parse).and_then(|f| f.dyn_into::<Function>().ok()).ok_or(WebAuthnFailure::Unsupported)?;
        let json = JSON::parse(&options.to_string()).map_err(|_| WebAuthnFailure::Other("Bad options".into()))?;
        let public_key = parse.call1(&class, &json).map_err(failure)?;
        let request = Object::new();
        let _ = Reflect::set(&request, &"publicKey".into(), &public_key);
        for (name, value) in extra {
            let _ = Reflect::set(&request, &JsValue::from_str(name), value);
        }
        let credentials =
            web_sys::window().and_then(|w| get(&w.navigator(), "credentials")).ok_or(WebAuthnFailure::Unsupported)?;
        let call = get(&credentials, method)
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or(WebAuthnFailure::Unsupported)?;
        let promise: Promise = call.call1(&credentials, &request).map_err(failure)?.dyn_into().map_err(failure)?;
        let credential = JsFuture::from(promise).await.map_err(failure)?;
        if credential.is_null() {
            return Err(WebAuthnFailure::Cancelled);
        }
        credential_json(&credential).ok_or_else(|| WebAuthnFailure::Other("The passkey's answer is unreadable".into()))
    }

    /// The credential as `toJSON()` gives it; by hand where that is missing or throws (some password managers
    /// hand back a credential of their own whose `toJSON` fails: the passkey would then be made on the device but
    /// never reach the server).
    fn credential_json(credential: &JsValue) -> Option<Value> {
        let by_browser = get(credential, "toJSON")
            .and_then(|f| f.dyn_into::<Function>().ok())
            .and_then(|to_json| to_json.call0(credential).ok())
            .and_then(|json| JSON::stringify(&json).ok())
            .and_then(|text| serde_json::from_str(&String::from(text)).ok());
        by_browser.or_else(|| {
            let response = get(credential, "response")?;
            let mut answer = serde_json::Map::new();
            let fields = ["clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"];
            for field in fields {
                if let Some(bytes) = get(&response, field) {
                    answer.insert(field.into(), Value::from(base64url(&bytes)?));
                }
            }
            let transports = get(&response, "getTransports")
                .and_then(|f| f.dyn_into::<Function>().ok())
                .and_then(|f| f.call0(&response).ok())
                .and_then(|list| JSON::stringify(&list).ok())
                .and_then(|text| serde_json::from_str::<Value>(&String::from(text)).ok());
            if let Some(transports) = transports {
                answer.insert("transports".into(), transports);
            }
            Some(serde_json::json!({
                "id": get(credential, "id")?.as_string()?,
                "rawId": base64url(&get(credential, "rawId")?)?,
                "type": "public-key",
                "response": answer,
                "clientExtensionResults": {},
            }))
        })
    }

    /// An ArrayBuffer's bytes as unpadded base64url (by the browser's `btoa`).
    fn base64url(buffer: &JsValue) -> Option<String> {
        let bytes = js_sys::Uint8Array::new(buffer).to_vec();
        let binary: String = bytes.iter().map(|&byte| char::from(byte)).collect();
        let base64 = web_sys::window()?.btoa(&binary).ok()?;
        Some(base64.trim_end_matches('=').replace('+', "-").replace('/', "_"))
    }

    pub async fn create(options: &Value) -> Result<Value, WebAuthnFailure> {
        ceremony("parseCreationOptionsFromJSON", "create", options, &[]).await
    }

    pub async fn sign(
        options: &Value,
        autofill: bool,
        signal: &web_sys::AbortSignal,
    ) -> Result<Value, WebAuthnFailure> {
        let signal = ("signal", JsValue::from(signal.clone()));
        if autofill {
            let extra = [("mediation", JsValue::from_str("conditional")), signal];
            ceremony("parseRequestOptionsFromJSON", "get", options, &extra).await
        } else {
            ceremony("parseRequestOptionsFromJSON", "get", options, &[signal]).await
        }
    }

    /// A DOMException by its name; anything else by its message.
    fn failure(error: JsValue) -> WebAuthnFailure {
        match get(&error, "name").and_then(|name| name.as_string()).as_deref() {
            Some("NotAllowedError") => WebAuthnFailure::Cancelled,
            Some("InvalidStateError") => WebAuthnFailure::AlreadyRegistered,
            Some("AbortError") => WebAuthnFailure::Aborted,
            Some("NotSupportedError") => WebAuthnFailure::Unsupported,
            Some("SecurityError") => WebAuthnFailure::WrongSite,
            _ => WebAuthnFailure::Other(
                get(&error, "message").and_then(|m| m.as_string()).unwrap_or_else(|| "The passkey failed".into()),
            ),
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{autofill_available, create, sign, supported};

#[cfg(feature = "hydrate")]
pub type AbortSignal = web_sys::AbortSignal;

/// What stops a pending autofill request: the browser runs one WebAuthn request at a time, so it must make way
/// for the button's, and end with the page; and it is renewed before the server's ceremony expires.
#[derive(Clone)]
pub struct Stopper {
    #[cfg(feature = "hydrate")]
    controller: send_wrapper::SendWrapper<web_sys::AbortController>,
    /// Stopped to be started again with a fresh ceremony, not for good.
    renewing: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Stopper {
    /// A new stopper and the signal it aborts (`None` where there is no browser).
    pub fn new() -> Option<(Stopper, AbortSignal)> {
        #[cfg(feature = "hydrate")]
        {
            let controller = web_sys::AbortController::new().ok()?;
            let signal = controller.signal();
            let controller = send_wrapper::SendWrapper::new(controller);
            Some((Stopper { controller, renewing: Default::default() }, signal))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            None
        }
    }

    pub fn stop(&self) {
        #[cfg(feature = "hydrate")]
        self.controller.abort();
    }

    /// Stops the request so that it is started again (see `renewing`).
    pub fn renew(&self) {
        self.renewing.store(true, std::sync::atomic::Ordering::Relaxed);
        self.stop();
    }

    pub fn renewing(&self) -> bool {
        self.renewing.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(not(feature = "hydrate"))]
mod stubs {
    use super::{Value, WebAuthnFailure};

    pub fn supported() -> bool {
        false
    }

    pub async fn autofill_available() -> bool {
        false
    }

    pub async fn create(_options: &Value) -> Result<Value, WebAuthnFailure> {
        Err(WebAuthnFailure::Unsupported)
    }

    pub async fn sign(
        _options: &Value,
        _autofill: bool,
        _signal: &super::AbortSignal,
    ) -> Result<Value, WebAuthnFailure> {
        Err(WebAuthnFailure::Unsupported)
    }
}

#[cfg(not(feature = "hydrate"))]
pub use stubs::{autofill_available, create, sign, supported};

/// Stands for the browser's `AbortSignal` on the server, where nothing is ever aborted.
#[cfg(not(feature = "hydrate"))]
pub struct AbortSignal;
