//! Where to send people around login: to `/login?next=<where they were>` and back again.

/// Only same-origin paths may be `next`: anything else becomes `/`.
///
/// Judged the way a browser will read it, not as the text looks: browsers drop tabs and line breaks anywhere in
/// a URL and read `\` as `/`, so `/<TAB>/evil.example` and `/\evil.example` are `//evil.example`, another site.
/// Rather than rebuild that parsing, any control character or backslash makes the whole value unacceptable; what
/// is left must be one `/` followed by anything but a second `/`.
pub fn safe_next(next: Option<&str>) -> String {
    let acceptable = |path: &str| {
        path.starts_with('/') && !path.starts_with("//") && !path.chars().any(|c| c.is_control() || c == '\\')
    };
    match next {
        Some(path) if acceptable(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

/// The login page URL that brings the member back to `here` (a path with optional query) afterwards.
pub fn login_path(here: &str, expired: bool) -> String {
    let is_auth_page = ["/login", "/register"].iter().any(|p| here == *p || here.starts_with(&format!("{p}?")));
    let mut url = String::from("/login");
    let mut params = Vec::new();
    if !is_auth_page && here != "/" {
        params.push(format!("next={}", encode_component(here)));
    }
    if expired {
        params.push("expired=1".to_owned());
    }
    if !params.is_empty() {
        url.push('?');
        url.push_str(&params.join("&"));
    }
    url
}

/// Percent-encodes everything but unreserved characters (RFC 3986), enough for a query value.
pub fn encode_component(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Joins a location's path and raw query string, whichever way the query string is given.
pub fn path_with_query(pathname: &str, search: &str) -> String {
    let search = search.trim_start_matches('?');
    if search.is_empty() { pathname.to_owned() } else { format!("{pathname}?{search}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_only_local_paths() {
        assert_eq!(safe_next(Some("/p/5?x=1")), "/p/5?x=1");
        for hostile in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/\t/evil.example/",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\t\\evil.example",
            "\t//evil.example",
            "/%09/x\u{0}",
            "/\u{7f}/evil.example",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile}");
        }
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/p/5%2F%2Fx")), "/p/5%2F%2Fx", "encoded slashes stay inside the path");
    }

    #[test]
    fn login_path_remembers_where_you_were() {
        assert_eq!(login_path("/p/5?sort=top", false), "/login?next=%2Fp%2F5%3Fsort%3Dtop");
        assert_eq!(login_path("/", true), "/login?expired=1");
        assert_eq!(login_path("/login?next=%2Fx", true), "/login?expired=1", "never loop back to the login page");
    }

    #[test]
    fn path_with_query_joins_with_one_question_mark() {
        assert_eq!(path_with_query("/a", "?b=1"), "/a?b=1");
        assert_eq!(path_with_query("/a", "b=1"), "/a?b=1");
        assert_eq!(path_with_query("/a", ""), "/a");
    }
}
