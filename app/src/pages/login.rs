use crate::components::{AuthForm, AuthMode};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    view! {
        <Title text="Log in · Bulletin"/>
        <AuthForm mode=AuthMode::Login/>
    }
}
