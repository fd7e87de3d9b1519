use crate::components::{AuthForm, AuthMode};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <Title text="Create account · Bulletin"/>
        <AuthForm mode=AuthMode::Register/>
    }
}
