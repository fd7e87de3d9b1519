//! Passkeys through the REST door (and, at the end, the SPA's): adding, listing, renaming and removing them,
//! signing in with one, and every refusal, with the ceremonies driven by a software authenticator
//! (`common/authenticator.rs`) where the browser would be.

mod common;

use app::model::AuthToken;
use app::model::passkeys::*;
use common::authenticator::{SoftAuthenticator, encode};
use common::{TestServer, assert_error, changed, claims_of, expect, expect_json, now, sign};
use serde_json::{Value, json};

/// Runs `sql` on the server's database (to age a ceremony past its time).
async fn execute(server: &TestServer, sql: &str) {
    let url = server.database.as_ref().expect("the server's own database").url();
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
        pool.close().await;
    }
}

/// `POST /auth/passkeys/registration` as `who`: the ceremony's id and the creation options.
async fn registration_options(server: &TestServer, who: &AuthToken) -> (String, Value) {
    let options: CeremonyOptions =
        expect(server.call("POST", "/auth/passkeys/registration", Some(who), None).await, 200).await;
    (options.ceremony, options.public_key)
}

/// Adds a passkey named `name` to `who` with `authenticator`, which must succeed.
async fn add_passkey(
    server: &TestServer,
    who: &AuthToken,
    authenticator: &mut SoftAuthenticator,
    name: &str,
) -> PasskeySummary {
    let (ceremony, options) = registration_options(server, who).await;
    let credential = authenticator.create(&options).expect("the authenticator makes a credential");
    let body = json!({"ceremony": ceremony, "name": name, "credential": credential});
    expect(server.call("PUT", "/auth/passkeys/registration", Some(who), Some(body)).await, 201).await
}

/// `POST /auth/passkeys/login`, optionally naming a member.
async fn login_options(server: &TestServer, username: Option<&str>) -> (String, Value) {
    let body = username.map(|name| json!({"username": name}));
    let options: CeremonyOptions = expect(server.call("POST", "/auth/passkeys/login", None, body).await, 200).await;
    (options.ceremony, options.public_key)
}

async fn finish_login(server: &TestServer, ceremony: &str, credential: Value) -> reqwest::Response {
    server
        .call("PUT", "/auth/passkeys/login", None, Some(json!({"ceremony": ceremony, "credential": credential})))
        .await
}

/// Signs in with `authenticator` (no name given), which must succeed: the token.
async fn sign_in(server: &TestServer, authenticator: &mut SoftAuthenticator) -> AuthToken {
    let (ceremony, options) = login_options(server, None).await;
    let assertion = authenticator.get(&options).expect("the authenticator has a passkey here");
    expect(finish_login(server, &ceremony, assertion).await, 200).await
}

#[tokio::test]
async fn a_member_adds_a_passkey_and_signs_in_with_it_alone() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let mut phone = SoftAuthenticator::new();

    let (_, options) = registration_options(&server, &alice).await;
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(options["user"]["name"], "alice");
    assert_eq!(options["authenticatorSelection"]["residentKey"], "preferred", "a discoverable passkey is asked for");
    assert_eq!(options["authenticatorSelection"]["userVerification"], "required");

    let added = add_passkey(&server, &alice, &mut phone, "  Phone  ").await;
    assert_eq!((added.name.as_str(), added.last_used_at.as_deref()), ("Phone", None));
    assert!(common::is_rfc3339_utc(&added.created_at), "{}", added.created_at);
    let listed: Vec<PasskeySummary> = expect(server.call("GET", "/auth/passkeys", Some(&alice), None).await, 200).await;
    assert_eq!(listed, vec![added.clone()]);

    // No name, no password: the passkey says who this is.
    let (ceremony, options) = login_options(&server, None).await;
    assert_eq!(options["allowCredentials"], json!([]), "the browser offers whichever passkey it holds");
    assert_eq!(options["userVerification"], "required");
    let signed_in: AuthToken = expect(finish_login(&server, &ceremony, phone.get(&options).unwrap()).await, 200).await;
    assert_eq!((signed_in.user_id, signed_in.username.as_str()), (alice.user_id, "alice"));
    assert!(signed_in.device_token.is_some(), "the same answer a password login gives");
    let me = expect_json(server.me(Some(&format!("Bearer {}", signed_in.token))).await, 200).await;
    assert_eq!(me["username"], "alice");
    let claims = claims_of(&signed_in.token);
    assert!(claims["auth_time"].as_u64().unwrap() + 5 >= now(), "a passkey is a fresh proof: {claims}");

    let listed: Vec<PasskeySummary> = expect(server.call("GET", "/auth/passkeys", Some(&alice), None).await, 200).await;
    assert!(listed[0].last_used_at.as_deref().is_some_and(common::is_rfc3339_utc), "{listed:?}");
}

#[tokio::test]
async fn a_named_sign_in_lists_that_members_passkeys_and_unknown_names_get_the_same_shape() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    server.member("bob").await;
    let mut phone = SoftAuthenticator::new();
    add_passkey(&server, &alice, &mut phone, "Phone").await;

    let (ceremony, options) = login_options(&server, Some("ALICE")).await;
    assert_eq!(options["allowCredentials"], json!([{"type": "public-key", "id": encode(&phone.credentials()[0].id)}]));
    let signed_in: AuthToken = expect(finish_login(&server, &ceremony, phone.get(&options).unwrap()).await, 200).await;
    assert_eq!(signed_in.username, "alice");

    // A name without passkeys and a name nobody has get a decoy: one id as long as a real one, the same each time.
    let (_, bob) = login_options(&server, Some("bob")).await;
    let (_, nobody) = login_options(&server, Some("nobody_here")).await;
    let (_, nobody_again) = login_options(&server, Some("nobody_here")).await;
    for decoy in [&bob, &nobody] {
        let listed = decoy["allowCredentials"].as_array().unwrap();
        assert_eq!(listed.len(), 1, "{decoy}");
        assert_eq!(listed[0]["id"].as_str().unwrap().len(), encode(&phone.credentials()[0].id).len());
        let keys = |options: &Value| options.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(decoy), keys(&options), "the same fields as a real member's");
    }
    assert_eq!(nobody["allowCredentials"], nobody_again["allowCredentials"]);
    assert_ne!(nobody["allowCredentials"], bob["allowCredentials"]);

    // Alice's passkey cannot finish a sign-in started for bob: the authenticator finds nothing it may use, and an
    // assertion sent anyway is refused.
    let (ceremony, bob_options) = login_options(&server, Some("bob")).await;
    assert!(phone.get(&bob_options).is_none());
    let (_, any) = login_options(&server, None).await;
    let mut forced = any.clone();
    forced["challenge"] = bob_options["challenge"].clone();
    let assertion = phone.get(&forced).unwrap();
    assert_error(finish_login(&server, &ceremony, assertion).await, 401, PASSKEY_REFUSED).await;
}

#[tokio::test]
async fn a_ceremony_is_used_once_for_its_own_kind_and_its_own_member() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let mut phone = SoftAuthenticator::new();
    add_passkey(&server, &alice, &mut phone, "Phone").await;

    let (ceremony, options) = login_options(&server, None).await;
    let assertion = phone.get(&options).unwrap();
    assert_eq!(finish_login(&server, &ceremony, assertion.clone()).await.status(), 200);
    assert_error(finish_login(&server, &ceremony, assertion).await, 401, CEREMONY_UNKNOWN).await;

    // A registration's id cannot finish a sign-in, nor another member's registration.
    let (registration, _) = registration_options(&server, &alice).await;
    let (_, any) = login_options(&server, None).await;
    assert_error(finish_login(&server, &registration, phone.get(&any).unwrap()).await, 401, CEREMONY_UNKNOWN).await;
    let (registration, creation_again) = registration_options(&server, &alice).await;
    let mut laptop = SoftAuthenticator::new();
    let credential = laptop.create(&creation_again).unwrap();
    let body = json!({"ceremony": registration, "name": "Laptop", "credential": credential});
    let stolen = server.call("PUT", "/auth/passkeys/registration", Some(&bob), Some(body)).await;
    assert_error(stolen, 404, CEREMONY_UNKNOWN).await;
}

#[tokio::test]
async fn an_expired_ceremony_cannot_be_finished_and_costs_no_failed_attempt() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "2/3600")]).await;
    let alice = server.member("alice").await; // one attempt of two
    let mut phone = SoftAuthenticator::new();
    add_passkey(&server, &alice, &mut phone, "Phone").await;

    let (registration, creation) = registration_options(&server, &alice).await;
    execute(&server, "UPDATE passkey_ceremonies SET expires_at = expires_at - 300").await;
    let body =
        json!({"ceremony": registration, "name": "Laptop", "credential": SoftAuthenticator::new().create(&creation)});
    let late = server.call("PUT", "/auth/passkeys/registration", Some(&alice), Some(body)).await;
    assert_error(late, 404, CEREMONY_UNKNOWN).await;
    for _ in 0..3 {
        // Expired: refused, but not counted (a page left open a while); the third would otherwise be a 429.
        let (ceremony, options) = login_options(&server, None).await;
        execute(&server, "UPDATE passkey_ceremonies SET expires_at = expires_at - 300").await;
        assert_error(finish_login(&server, &ceremony, phone.get(&options).unwrap()).await, 401, CEREMONY_UNKNOWN).await;
    }
    sign_in(&server, &mut phone).await;
}

#[tokio::test]
async fn the_user_handle_must_be_the_passkeys_members() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let mut phone = SoftAuthenticator::new();
    add_passkey(&server, &alice, &mut phone, "Phone").await;
    assert_eq!(phone.credentials()[0].user_handle, (alice.user_id as u128).to_be_bytes().to_vec());

    // The user handle is not signed: one changed to bob's, or left out where no name says who it is, is refused.
    let (ceremony, options) = login_options(&server, None).await;
    let mut assertion = phone.get(&options).unwrap();
    assertion["response"]["userHandle"] = Value::from(encode(&(bob.user_id as u128).to_be_bytes()));
    assert_error(finish_login(&server, &ceremony, assertion).await, 401, PASSKEY_REFUSED).await;
    let (ceremony, options) = login_options(&server, None).await;
    let mut assertion = phone.get(&options).unwrap();
    assertion["response"]["userHandle"] = Value::Null;
    assert_error(finish_login(&server, &ceremony, assertion).await, 401, PASSKEY_REFUSED).await;
    // With her name given, a passkey that keeps no handle (not discoverable) may leave it out.
    let (ceremony, options) = login_options(&server, Some("alice")).await;
    let mut assertion = phone.get(&options).unwrap();
    assertion["response"]["userHandle"] = Value::Null;
    assert_eq!(finish_login(&server, &ceremony, assertion).await.status(), 200);
}

#[tokio::test]
async fn a_credential_for_another_challenge_or_site_is_refused() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let mut phone = SoftAuthenticator::new();

    let (first, first_options) = registration_options(&server, &alice).await;
    let (second, _) = registration_options(&server, &alice).await;
    let credential = SoftAuthenticator::new().create(&first_options).unwrap();
    // The first ceremony was replaced by the second, whose challenge this credential did not sign.
    let body = json!({"ceremony": first, "name": "Phone", "credential": credential.clone()});
    assert_error(
        server.call("PUT", "/auth/passkeys/registration", Some(&alice), Some(body)).await,
        404,
        CEREMONY_UNKNOWN,
    )
    .await;
    let body = json!({"ceremony": second, "name": "Phone", "credential": credential});
    assert_error(
        server.call("PUT", "/auth/passkeys/registration", Some(&alice), Some(body)).await,
        400,
        PASSKEY_REFUSED,
    )
    .await;

    // A phishing page on another origin gets a signature, which is worth nothing here.
    let (ceremony, options) = registration_options(&server, &alice).await;
    let mut phished = SoftAuthenticator::at("https://bulletin.example.net");
    let body = json!({"ceremony": ceremony, "name": "Phone", "credential": phished.create(&options).unwrap()});
    assert_error(
        server.call("PUT", "/auth/passkeys/registration", Some(&alice), Some(body)).await,
        400,
        PASSKEY_REFUSED,
    )
    .await;
    add_passkey(&server, &alice, &mut phone, "Phone").await;
    let (ceremony, options) = login_options(&server, None).await;
    let assertion = phone.copied_to("https://bulletin.example.net").get(&options).unwrap();
    assert_error(finish_login(&server, &ceremony, assertion).await, 401, PASSKEY_REFUSED).await;
    sign_in(&server, &mut phone).await;

    // Not a credential at all, or a missing part: 400.
    let (ceremony, _) = login_options(&server, None).await;
    let not_one = finish_login(&server, &ceremony, json!({"id": 1})).await;
    assert_eq!(not_one.status(), 400);
    let missing = server.call("PUT", "/auth/passkeys/login", None, Some(json!({"ceremony": ceremony}))).await;
    assert_error(missing, 400, "Missing required fields: credential").await;
}

#[tokio::test]
async fn adding_a_passkey_needs_a_recent_proof_and_a_token() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let claims = claims_of(&alice.token);
    let old = sign(&changed(&claims, json!({"auth_time": now() - RECENT_PROOF_SECONDS - 5})), common::SECRET);
    let stale = AuthToken { token: old, ..alice.clone() };
    assert_error(server.call("POST", "/auth/passkeys/registration", Some(&stale), None).await, 403, PROOF_TOO_OLD)
        .await;
    // The stale token is still a valid token for everything else.
    assert_eq!(server.call("GET", "/auth/passkeys", Some(&stale), None).await.status(), 200);
    let recent = sign(&changed(&claims, json!({"auth_time": now() - RECENT_PROOF_SECONDS + 30})), common::SECRET);
    let recent = AuthToken { token: recent, ..alice.clone() };
    assert_eq!(server.call("POST", "/auth/passkeys/registration", Some(&recent), None).await.status(), 200);
    // The finish asks again: a ceremony begun with a fresh token cannot be finished with a stale one.
    let (ceremony, options) = registration_options(&server, &alice).await;
    let body = json!({"ceremony": ceremony, "name": "Phone", "credential": SoftAuthenticator::new().create(&options)});
    let finish = server.call("PUT", "/auth/passkeys/registration", Some(&stale), Some(body.clone())).await;
    assert_error(finish, 403, PROOF_TOO_OLD).await;
    assert_eq!(server.call("PUT", "/auth/passkeys/registration", Some(&alice), Some(body)).await.status(), 201);

    for (method, path) in [
        ("POST", "/auth/passkeys/registration"),
        ("PUT", "/auth/passkeys/registration"),
        ("GET", "/auth/passkeys"),
        ("PATCH", "/auth/passkeys/1"),
        ("DELETE", "/auth/passkeys/1"),
    ] {
        let body = (method != "GET" && method != "DELETE" && method != "POST").then(|| json!({"name": "x"}));
        let anonymous = server.call(method, path, None, body).await;
        assert_eq!(anonymous.status(), 401, "{method} {path}");
    }
}

#[tokio::test]
async fn renaming_and_removing_are_for_the_owner_only() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let mut phone = SoftAuthenticator::new();
    let added = add_passkey(&server, &alice, &mut phone, "Phone").await;
    let path = format!("/auth/passkeys/{}", added.id);

    let renamed: PasskeySummary =
        expect(server.call("PATCH", &path, Some(&alice), Some(json!({"name": "Old phone"}))).await, 200).await;
    assert_eq!((renamed.id, renamed.name.as_str()), (added.id, "Old phone"));
    let bad = server.call("PATCH", &path, Some(&alice), Some(json!({"name": "  "}))).await;
    assert_error(bad, 400, "Give the passkey a name").await;
    let theirs = server.call("PATCH", &path, Some(&bob), Some(json!({"name": "Mine now"}))).await;
    assert_error(theirs, 403, NOT_YOUR_PASSKEY).await;
    assert_error(server.call("DELETE", &path, Some(&bob), None).await, 403, NOT_YOUR_PASSKEY).await;
    let missing = server.call("PATCH", "/auth/passkeys/999999", Some(&alice), Some(json!({"name": "x"}))).await;
    assert_error(missing, 404, PASSKEY_NOT_FOUND).await;
    assert_error(server.call("DELETE", "/auth/passkeys/999999", Some(&alice), None).await, 404, PASSKEY_NOT_FOUND)
        .await;
    assert_error(server.call("DELETE", "/auth/passkeys/x", Some(&alice), None).await, 404, PASSKEY_NOT_FOUND).await;
    let bobs: Vec<PasskeySummary> = expect(server.call("GET", "/auth/passkeys", Some(&bob), None).await, 200).await;
    assert!(bobs.is_empty());

    assert_eq!(server.call("DELETE", &path, Some(&alice), None).await.status(), 204);
    assert_error(server.call("DELETE", &path, Some(&alice), None).await, 404, PASSKEY_NOT_FOUND).await;
    // A removed passkey signs nobody in.
    let (ceremony, options) = login_options(&server, None).await;
    assert_error(finish_login(&server, &ceremony, phone.get(&options).unwrap()).await, 401, PASSKEY_UNKNOWN).await;
}

#[tokio::test]
async fn one_authenticator_key_is_one_passkey_and_a_member_has_at_most_twenty() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let mut phone = SoftAuthenticator::new();
    add_passkey(&server, &alice, &mut phone, "Phone").await;

    // The options exclude alice's passkeys: her authenticator refuses to make a second one.
    let (_, options) = registration_options(&server, &alice).await;
    assert_eq!(options["excludeCredentials"][0]["id"], encode(&phone.credentials()[0].id));
    assert!(phone.create(&options).is_none());
    // The same credential id presented for bob: 409.
    let (ceremony, options) = registration_options(&server, &bob).await;
    let credential = phone.create_with_id(&options, phone.credentials()[0].id.clone());
    let body = json!({"ceremony": ceremony, "name": "Copy", "credential": credential});
    assert_error(
        server.call("PUT", "/auth/passkeys/registration", Some(&bob), Some(body)).await,
        409,
        PASSKEY_ALREADY_ADDED,
    )
    .await;

    for n in 1..PASSKEYS_PER_MEMBER_MAX {
        add_passkey(&server, &alice, &mut SoftAuthenticator::new(), &format!("Key {n}")).await;
    }
    assert_error(server.call("POST", "/auth/passkeys/registration", Some(&alice), None).await, 409, TOO_MANY_PASSKEYS)
        .await;
}

#[tokio::test]
async fn a_cloned_authenticator_is_refused() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let mut phone = SoftAuthenticator::new();
    add_passkey(&server, &alice, &mut phone, "Phone").await;
    let mut copy = phone.clone();
    sign_in(&server, &mut phone).await;
    sign_in(&server, &mut phone).await;

    // The copy signs with counter 1, below the 2 the server has seen.
    let (ceremony, options) = login_options(&server, None).await;
    assert_error(finish_login(&server, &ceremony, copy.get(&options).unwrap()).await, 401, PASSKEY_REFUSED).await;
    // The original goes on working.
    sign_in(&server, &mut phone).await;
}

/// Two sign-ins with one counter (a copied authenticator used at the same moment as the original) both pass
/// webauthn-rs's check against the counter they read; the store's write is what refuses the second.
#[tokio::test]
async fn the_stored_counter_only_moves_forward() {
    use app::store::passkeys::{find_by_credential_id, record_use};
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let mut phone = SoftAuthenticator::new();
    add_passkey(&server, &alice, &mut phone, "Phone").await;
    let url = server.database.as_ref().unwrap().url();
    let db = app::store::Db::connect(&url, app::store::DbSettings::default()).await.unwrap();
    let stored = find_by_credential_id(&db, &encode(&phone.credentials()[0].id)).await.unwrap().unwrap();
    let at = "2026-11-28T12:00:00.000Z";
    let record = |counter: u32| record_use(&db, stored.id, &stored.credential, counter, at);
    assert!(record(5).await.unwrap(), "forward from 0");
    assert!(!record(5).await.unwrap(), "the same counter again");
    assert!(!record(3).await.unwrap(), "a lower one");
    assert!(!record(0).await.unwrap(), "no counter, after one was kept");
    assert!(record(6).await.unwrap(), "forward again");

    // A synced passkey keeps no counter: 0 every time, accepted while no counter was ever seen.
    let mut synced = SoftAuthenticator::new().without_counter();
    add_passkey(&server, &alice, &mut synced, "Synced").await;
    let stored = find_by_credential_id(&db, &encode(&synced.credentials()[0].id)).await.unwrap().unwrap();
    let record = |counter: u32| record_use(&db, stored.id, &stored.credential, counter, at);
    assert!(record(0).await.unwrap() && record(0).await.unwrap(), "0 after 0");
    sign_in(&server, &mut synced).await;
    sign_in(&server, &mut synced).await;
}

#[tokio::test]
async fn revoking_tokens_keeps_passkeys_and_a_suspension_stops_them() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let mia = server.member("mia").await;
    server.grant("mia", "moderator").await;
    let mut phone = SoftAuthenticator::new();
    add_passkey(&server, &alice, &mut phone, "Phone").await;

    assert_eq!(server.call("POST", "/auth/logout-all", Some(&alice), None).await.status(), 204);
    let after_logout_all = sign_in(&server, &mut phone).await;
    let change = json!({"currentPassword": "long enough", "newPassword": "a new password"});
    let changed: AuthToken =
        expect(server.call("PATCH", "/auth/password", Some(&after_logout_all), Some(change)).await, 200).await;
    let listed: Vec<PasskeySummary> =
        expect(server.call("GET", "/auth/passkeys", Some(&changed), None).await, 200).await;
    assert_eq!(listed.len(), 1);
    sign_in(&server, &mut phone).await;

    let body = json!({"reason": "Spam", "until": "2099-06-01T12:00:00Z"});
    let path = format!("/users/{}/suspension", alice.user_id);
    assert_eq!(server.call("POST", &path, Some(&mia), Some(body)).await.status(), 200);
    let (ceremony, options) = login_options(&server, None).await;
    let refused = expect_json(finish_login(&server, &ceremony, phone.get(&options).unwrap()).await, 403).await;
    assert_eq!(refused, json!({"error": "Account suspended", "until": "2099-06-01T12:00:00.000Z"}));
    assert_eq!(server.call("DELETE", &path, Some(&mia), None).await.status(), 204);
    sign_in(&server, &mut phone).await;
}

#[tokio::test]
async fn a_ceremony_begun_on_one_instance_finishes_on_another() {
    let first = TestServer::start().await;
    let second = first.second_instance(&[]).await;
    let alice = first.member("alice").await;
    let mut phone = SoftAuthenticator::new();

    let (ceremony, options) = registration_options(&first, &alice).await;
    let body = json!({"ceremony": ceremony, "name": "Phone", "credential": phone.create(&options).unwrap()});
    let added: PasskeySummary =
        expect(second.call("PUT", "/auth/passkeys/registration", Some(&alice), Some(body)).await, 201).await;

    let (ceremony, options) = login_options(&second, None).await;
    let signed_in: AuthToken = expect(finish_login(&first, &ceremony, phone.get(&options).unwrap()).await, 200).await;
    assert_eq!(signed_in.user_id, alice.user_id);
    let listed: Vec<PasskeySummary> =
        expect(second.call("GET", "/auth/passkeys", Some(&signed_in), None).await, 200).await;
    assert_eq!(listed[0].id, added.id);
}

#[tokio::test]
async fn refused_passkeys_spend_the_addresss_failed_login_budget() {
    let server = TestServer::start_with(&[("AUTH_RATE_LIMIT", "3/3600")]).await;
    let alice = server.member("alice").await; // a registration: one attempt of three
    let mut phone = SoftAuthenticator::new();
    add_passkey(&server, &alice, &mut phone, "Phone").await;
    // Sign-ins that work, and starts left unfinished (autofill on every visit of the login page), cost nothing.
    sign_in(&server, &mut phone).await;
    login_options(&server, None).await;
    login_options(&server, Some("alice")).await;
    let mut stranger = SoftAuthenticator::new();
    stranger.create(&registration_options(&server, &alice).await.1).unwrap();
    for _ in 0..2 {
        let (ceremony, options) = login_options(&server, None).await;
        let refused = finish_login(&server, &ceremony, stranger.get(&options).unwrap()).await;
        assert_error(refused, 401, PASSKEY_UNKNOWN).await;
    }
    // The budget is the password login's: both are refused now.
    common::assert_limited(server.call("POST", "/auth/passkeys/login", None, None).await).await;
    let login = server.post_json("/auth/login", json!({"username": "alice", "password": "wrong password"})).await;
    common::assert_limited(login).await;
}

#[tokio::test]
async fn passkey_starts_have_their_own_limit_per_address() {
    let server = TestServer::start_with(&[("PASSKEY_START_LIMIT", "3/3600")]).await;
    server.member("alice").await;
    for username in [None, Some("alice"), Some("nobody_here")] {
        login_options(&server, username).await;
    }
    common::assert_limited(server.call("POST", "/auth/passkeys/login", None, None).await).await;
    // Password logins are not affected.
    let login = server.post_json("/auth/login", json!({"username": "alice", "password": "long enough"})).await;
    assert_eq!(login.status(), 200);
}

#[tokio::test]
async fn passkey_sign_ins_count_as_the_addresss_sign_ins() {
    let server = TestServer::start_with(&[("LOGIN_SUCCESS_LIMIT", "2/3600")]).await;
    let alice = server.member("alice").await;
    let mut phone = SoftAuthenticator::new();
    add_passkey(&server, &alice, &mut phone, "Phone").await;
    sign_in(&server, &mut phone).await;
    sign_in(&server, &mut phone).await;
    common::assert_limited(server.call("POST", "/auth/passkeys/login", None, None).await).await;
    let login = server.post_json("/auth/login", json!({"username": "alice", "password": "long enough"})).await;
    common::assert_limited(login).await;
}

#[tokio::test]
async fn passkeys_through_the_spas_door() {
    let server = TestServer::start().await;
    let alice = server.member("alice").await;
    let bob = server.member("bob").await;
    let mut phone = SoftAuthenticator::new();

    let options: CeremonyOptions =
        expect(server.server_fn("start_passkey_registration", json!({}), Some(&alice.token)).await, 200).await;
    let credential = phone.create(&options.public_key).unwrap();
    let args = json!({"ceremony": options.ceremony, "name": "Phone", "credential": credential});
    let added: PasskeySummary =
        expect(server.server_fn("finish_passkey_registration", args, Some(&alice.token)).await, 200).await;
    let listed: Vec<PasskeySummary> =
        expect(server.server_fn("list_passkeys", json!({}), Some(&alice.token)).await, 200).await;
    assert_eq!(listed, vec![added.clone()]);
    let renamed: PasskeySummary = expect(
        server.server_fn("rename_passkey", json!({"id": added.id, "name": "My phone"}), Some(&alice.token)).await,
        200,
    )
    .await;
    assert_eq!(renamed.name, "My phone");
    let theirs = server.server_fn("remove_passkey", json!({"id": added.id}), Some(&bob.token)).await;
    assert_error(theirs, 403, NOT_YOUR_PASSKEY).await;

    let options: CeremonyOptions =
        expect(server.server_fn("start_passkey_login", json!({"username": null}), None).await, 200).await;
    let assertion = phone.get(&options.public_key).unwrap();
    let args = json!({"ceremony": options.ceremony, "credential": assertion});
    let signed_in: AuthToken = expect(server.server_fn("finish_passkey_login", args.clone(), None).await, 200).await;
    assert_eq!(signed_in.username, "alice");
    assert_error(server.server_fn("finish_passkey_login", args, None).await, 401, CEREMONY_UNKNOWN).await;

    let removed = server.server_fn("remove_passkey", json!({"id": added.id}), Some(&alice.token)).await;
    assert_eq!(removed.status(), 200);
    let options: CeremonyOptions =
        expect(server.server_fn("start_passkey_login", json!({"username": "alice"}), None).await, 200).await;
    assert!(phone.get(&options.public_key).is_none(), "alice has no passkey left: her name gets the decoy");
    let no_token = server.server_fn("start_passkey_registration", json!({}), None).await;
    assert_eq!(no_token.status(), 401);
}
