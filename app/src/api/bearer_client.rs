//! The browser end of the server-function door: the browser's fetch, plus `Authorization: Bearer <token>` from storage,
//! plus session expiry when the server refuses that token.

use crate::client::{read_after, session_expiry, token_store};
use crate::model::read_after::READ_AFTER_HEADER;
use server_fn::Bytes;
use server_fn::client::Client;
use server_fn::client::browser::BrowserClient;
use server_fn::error::FromServerFnError;
use server_fn::request::browser::BrowserRequest;
use server_fn::response::ClientRes;
use server_fn::response::browser::BrowserResponse;
use std::future::Future;

pub struct BearerClient;

impl<E, IS, OS> Client<E, IS, OS> for BearerClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        // Login and registration go without a token: a stale one must not turn "wrong password" into "expired".
        let token = token_store::token().filter(|_| !super::is_anonymous_endpoint(&req.url()));
        if let Some(token) = &token {
            req.headers().set("Authorization", &format!("Bearer {token}"));
        }
        // A login carries this browser's device token for the member: their own browser is not locked out with
        // their name.
        if super::is_login_endpoint(&req.url())
            && let Some(device_token) = token_store::take_login_device_token()
        {
            req.headers().set(crate::model::auth::DEVICE_TOKEN_HEADER, &device_token);
        }
        // Reads on a board with replicas must not be older than this browser's own writes.
        if let Some(position) = read_after::position() {
            req.headers().set(READ_AFTER_HEADER, &position.to_string());
        }
        let sent_token = token;
        async move {
            let response = <BrowserClient as Client<E, IS, OS>>::send(req).await?;
            let headers = response.generate_headers();
            if let Some(position) = headers.get(READ_AFTER_HEADER).and_then(|value| value.to_str().ok()) {
                read_after::saw(position);
            }
            // Only while the refused token is still this browser's: a second refusal of the same token (two
            // requests were out), or one arriving after the member signed in again, changes nothing.
            let refused = <BrowserResponse as ClientRes<E>>::status(&response) == 401;
            if refused && sent_token.is_some() && token_store::token() == sent_token {
                let suspended = headers.get(crate::error::SUSPENDED_UNTIL_HEADER).and_then(|v| v.to_str().ok());
                session_expiry::session_expired(match suspended {
                    Some("none") => session_expiry::Ended::Suspended(None),
                    Some(until) => session_expiry::Ended::Suspended(Some(until.to_owned())),
                    None => session_expiry::Ended::Expired,
                });
            }
            Ok(response)
        }
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl futures::Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future)
    }
}
