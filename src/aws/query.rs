//! The AWS Query protocol (STS, IAM): a form-encoded `POST /` with `Action` and `Version`,
//! answered with XML; errors as `<ErrorResponse><Error><Code>..</Code><Message>..</Message>`.

use super::sigv4::{self, Signable};
use super::{AwsError, Credentials, shown};
use crate::authority::Secret;
use crate::http::Http;
use url::Url;

/// Largest answer read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// One Query-protocol call.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    /// The service endpoint.
    pub endpoint: &'a Url,
    /// `Action`.
    pub action: &'a str,
    /// `Version` (the API version, e.g. `2011-06-15` for STS).
    pub version: &'a str,
    /// The action's parameters, in the protocol's flattened names (`Audience.member.1`).
    pub params: &'a [(&'a str, &'a str)],
}

/// Who signs a call, and for which region and service.
#[derive(Clone, Copy, Debug)]
pub struct Signer<'a> {
    /// The credentials.
    pub credentials: &'a Credentials,
    /// The region of the endpoint.
    pub region: &'a str,
    /// The signing name of the service (`sts`).
    pub service: &'a str,
}

/// Sends `call`, signed by `signer` (unsigned without one, as `AssumeRoleWithWebIdentity` is);
/// returns the XML answer. `secrets` are the other secrets the call sends, scrubbed from AWS's
/// error messages along with the signer's.
pub fn call(
    http: &Http,
    call: Call<'_>,
    signer: Option<Signer<'_>>,
    secrets: &[&Secret],
) -> Result<String, AwsError> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", call.action)
        .append_pair("Version", call.version);
    for (name, value) in call.params {
        form.append_pair(name, value);
    }
    let body = form.finish();
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let mut headers = vec![("content-type".to_string(), content_type.to_string())];
    let mut hidden: Vec<&Secret> = secrets.to_vec();
    if let Some(signer) = signer {
        let plain = [("content-type", content_type)];
        headers.extend(sigv4::sign(
            Signable {
                method: "POST",
                url: call.endpoint,
                headers: &plain,
                body: body.as_bytes(),
            },
            signer.credentials,
            signer.region,
            signer.service,
            std::time::SystemTime::now(),
        )?);
        hidden.extend(signer.credentials.secrets());
    }
    let reply = http.send(
        call.endpoint,
        |client| {
            let mut request = client.post(call.endpoint.clone()).body(body.clone());
            for (name, value) in &headers {
                request = request.header(name.as_str(), value.as_str());
            }
            request
        },
        MAX_ANSWER_BYTES,
        true,
    )?;
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    if !reply.is_success() {
        return Err(AwsError::Refused {
            endpoint: crate::http::redact(call.endpoint),
            action: call.action.to_string(),
            status: reply.status,
            code: xml_text(&text, "Code").map(|code| shown(&code, &hidden)),
            message: xml_text(&text, "Message").map(|message| shown(&message, &hidden)),
            signed_with: signer.map(|signer| signer.credentials.origin),
        });
    }
    Ok(text)
}

/// The text of the first leaf element `<tag>` of `xml`, entities decoded.
pub fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    let raw = &xml[start..end];
    if raw.contains('<') {
        return None;
    }
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
            .trim()
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_leaf_elements_and_entities() {
        let xml = "<R><Result><Token> a&amp;b&lt;c </Token><Exp>1</Exp></Result></R>";
        assert_eq!(xml_text(xml, "Token").unwrap(), "a&b<c");
        assert_eq!(xml_text(xml, "Exp").unwrap(), "1");
        assert_eq!(xml_text(xml, "Result"), None);
        assert_eq!(xml_text(xml, "Missing"), None);
    }
}
