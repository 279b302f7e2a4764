//! Requests to a mirror that follow its redirects only within its own host. A probe
//! that followed a mirror's redirect anywhere fetched what the mirror chose (an admin
//! page on the primary's network, a cloud's metadata address) and, its answer being no
//! stamp, published it as the mirror's error on the mirrors page. A mirror's `http:` to
//! `https:` or a move within its own host is followed; a redirect to another host is
//! the mirror's error, named, with the URL to register instead.

/// At most this many redirects are followed.
const MAX_REDIRECTS: usize = 3;

/// GETs (or, with `head`, HEADs) `url` with `agent` (one that follows no redirect
/// itself: `super::mirror_agent`), following redirects within the URL's host.
pub fn call(agent: &ureq::Agent, head: bool, url: &str) -> Result<ureq::http::Response<ureq::Body>, String> {
    let mut at = url::Url::parse(url).map_err(|e| format!("not a URL ({e})"))?;
    let host = at.host_str().unwrap_or("").to_ascii_lowercase();
    for _ in 0..=MAX_REDIRECTS {
        let resp = if head { agent.head(at.as_str()).call() } else { agent.get(at.as_str()).call() }
            .map_err(super::describe)?;
        if !resp.status().is_redirection() {
            return Ok(resp);
        }
        let location = resp.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("");
        let next = at.join(location).map_err(|_| format!("HTTP {} with no usable Location", resp.status().as_u16()))?;
        if next.host_str().unwrap_or("").to_ascii_lowercase() != host {
            return Err(format!(
                "redirects to another host ({}): a mirror answers from its own; register the URL it redirects to",
                next.host_str().unwrap_or("none")
            ));
        }
        at = next;
    }
    Err("too many redirects".into())
}
