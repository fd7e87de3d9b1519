//! Bulletin's application crate: shared types and validation, the Leptos app (pages, components, server
//! functions) and, behind the `ssr` feature, the service layer, storage and security.
// Leptos views are deeply nested types; the release wasm build needs more room to compute their layouts.
#![recursion_limit = "256"]

pub mod api;
pub mod client;
pub mod components;
pub mod error;
#[cfg(feature = "ssr")]
pub mod hydration_scripts;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod search_text;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod telemetry;

use components::{Header, KeepSessionFresh};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, path};
use pages::lazy_routes::{EditPostRoute, LoginRoute, ModerationRoute, NewPostRoute, ProfileRoute, RegisterRoute};
use pages::{FeedPage, NotFoundPage, PostPage};

/// The HTML document the server renders around the app.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                // Inline, so the browser's favicon request costs no round trip and never 404s.
                <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%232957d9'/%3E%3Cpath d='M4 4h8v2H4zm0 3h8v2H4zm0 3h5v2H4z' fill='white'/%3E%3C/svg%3E"/>
                <AutoReload options=options.clone()/>
                // Ours, not Leptos': see hydration_scripts.rs (the CSP nonce on the module preload, hashed names).
                <hydration_scripts::HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    client::provide_auth();
    view! {
        <Title text="Bulletin"/>
        <KeepSessionFresh/>
        <Router>
            <Header/>
            <main class="page" id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=FeedPage/>
                    <Route path=path!("/p/:id") view=PostPage/>
                    // Split out of the main wasm, loaded when first opened (pages/lazy_routes.rs).
                    <Route path=path!("/new") view={Lazy::<NewPostRoute>::new()}/>
                    <Route path=path!("/p/:id/edit") view={Lazy::<EditPostRoute>::new()}/>
                    <Route path=path!("/u/:id") view={Lazy::<ProfileRoute>::new()}/>
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()}/>
                    <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()}/>
                    <Route path=path!("/moderation") view={Lazy::<ModerationRoute>::new()}/>
                </Routes>
            </main>
        </Router>
    }
}
