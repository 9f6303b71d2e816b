//! The questions of a chain and their wire form: which questions veraid-js asks for a domain,
//! the query sent for each, and whether a response answers it.

use super::errors::TransportFailure;
use crate::dnssec::validate::{RrType, is_question};
use crate::domain::Domain;
use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
use hickory_proto::rr::rdata::opt::EdnsOption;
use hickory_proto::rr::{DNSClass, Name};
use std::fmt;

/// EDNS0 option code of Padding (RFC 7830 §4).
const EDNS_PADDING: u16 = 12;

/// The largest DNS message (RFC 1035 §4.2.2 length prefix, RFC 8484 §6).
pub(super) const MAX_MESSAGE: usize = 65_535;

/// One question of a chain: an owner name and a record type, class IN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The owner name, case preserved (veraid-js compares names case-sensitively).
    name: Name,
    record_type: RrType,
}

impl Question {
    /// A question for an absolute name (`com.`, `_veraid.example.com.`).
    pub fn new(name: &str, record_type: RrType) -> Result<Self, NameError> {
        let name = dns_name(name)?;
        Ok(Self { name, record_type })
    }

    /// The owner name in presentation form, with its trailing dot.
    pub fn name(&self) -> String {
        self.name.to_ascii()
    }

    /// DNSKEY, DS or TXT.
    pub fn record_type(&self) -> RrType {
        self.record_type
    }
}

impl fmt::Display for Question {
    /// `name/TYPE`, e.g. `com./DS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.name.to_ascii(), self.record_type)
    }
}

/// The query name `_veraid.<domain>.` is not a usable DNS name.
#[derive(Debug, thiserror::Error)]
#[error("{name} is not a usable DNS query name: {reason}")]
pub struct NameError {
    /// The rejected name.
    pub name: String,
    /// Why it was rejected.
    pub reason: String,
}

/// `text` as an absolute DNS name, or why it is not one.
fn dns_name(text: &str) -> Result<Name, NameError> {
    Name::from_ascii(text).map_err(|e| NameError {
        name: text.to_string(),
        reason: e.to_string(),
    })
}

/// The owner name `_veraid.<domain>.` of the TXT RRset (VeraId digest §6.2), which a domain
/// near the 253-octet limit cannot make.
pub(crate) fn veraid_name(domain: &Domain) -> Result<Name, NameError> {
    dns_name(&domain.veraid_record_name())
}

/// The questions veraid-js asks for `_veraid.<domain>.`, in its order (VeraId digest §6.2):
/// DNSKEY from the root down to the query name, DS for the same names minus the root, then TXT.
pub fn chain_questions(domain: &Domain) -> Result<Vec<Question>, NameError> {
    let query_name = veraid_name(domain)?;
    let labels = usize::from(query_name.num_labels());
    let names: Vec<Name> = (0..=labels).map(|n| query_name.trim_to(n)).collect();
    let question = |name: &Name, record_type| Question {
        name: name.clone(),
        record_type,
    };
    let mut questions: Vec<Question> = names
        .iter()
        .map(|name| question(name, RrType::Dnskey))
        .collect();
    // The root DS is never asked for: it is the trust anchor.
    questions.extend(names[1..].iter().map(|name| question(name, RrType::Ds)));
    questions.push(question(&query_name, RrType::Txt));
    Ok(questions)
}

/// Encodes the query veraid-js sends (VeraId digest §6.6): RD, AD and CD set (CD so that a
/// validating resolver hands over even bogus data for us to judge), one IN question, EDNS0 with
/// the DO bit and the given payload size, padded to a multiple of `pad_to` bytes when asked.
pub(super) fn encode_query(
    question: &Question,
    id: u16,
    payload: u16,
    pad_to: Option<usize>,
) -> Result<Vec<u8>, TransportFailure> {
    let mut message = Message::new(id, MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.metadata.authentic_data = true;
    message.metadata.checking_disabled = true;
    let mut query = Query::query(question.name.clone(), question.record_type.hickory());
    query.set_query_class(DNSClass::IN);
    message.add_query(query);
    let mut edns = Edns::new();
    edns.set_max_payload(payload).set_dnssec_ok(true);
    message.set_edns(edns.clone());
    let encode = |m: &Message| {
        m.to_vec()
            .map_err(|e| TransportFailure::Encode(e.to_string()))
    };
    let Some(block) = pad_to else {
        return encode(&message);
    };
    // The padding option itself takes 4 bytes (code and length) before its zeros.
    let unpadded = encode(&message)?.len() + 4;
    let zeros = (block - unpadded % block) % block;
    edns.options_mut()
        .insert(EdnsOption::Unknown(EDNS_PADDING, vec![0; zeros]));
    message.set_edns(edns);
    encode(&message)
}

/// Decodes a response and checks it answers the query: QR set, same id, same single question
/// (names compared case-insensitively as servers may echo 0x20-mixed case, RFC 1035 §7.3).
pub(super) fn check_response(
    raw: &[u8],
    id: u16,
    question: &Question,
) -> Result<Message, TransportFailure> {
    let message =
        Message::from_vec(raw).map_err(|e| TransportFailure::Unparsable(e.to_string()))?;
    if message.metadata.message_type != MessageType::Response {
        return Err(TransportFailure::Mismatch(
            "it is a query, not a response (QR bit clear)".into(),
        ));
    }
    if message.metadata.id != id {
        return Err(TransportFailure::Mismatch(format!(
            "its id is {} instead of {id}",
            message.metadata.id
        )));
    }
    match message.queries.as_slice() {
        [q] if is_question(q, &question.name, question.record_type.hickory()) => {}
        [q] => {
            return Err(TransportFailure::Mismatch(format!(
                "it answers {}/{} {} instead of {question}",
                q.name().to_ascii(),
                q.query_type(),
                q.query_class(),
            )));
        }
        other => {
            return Err(TransportFailure::Mismatch(format!(
                "it has {} questions instead of one",
                other.len()
            )));
        }
    }
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(questions: &[Question]) -> Vec<String> {
        questions.iter().map(Question::to_string).collect()
    }

    #[test]
    fn asks_the_questions_veraid_js_asks_in_its_order() {
        let domain: Domain = "example.com".parse().unwrap();
        assert_eq!(
            names(&chain_questions(&domain).unwrap()),
            [
                "./DNSKEY",
                "com./DNSKEY",
                "example.com./DNSKEY",
                "_veraid.example.com./DNSKEY",
                "com./DS",
                "example.com./DS",
                "_veraid.example.com./DS",
                "_veraid.example.com./TXT",
            ]
        );
    }

    #[test]
    fn asks_two_questions_per_label_plus_two() {
        let domain: Domain = "a.b.c.example".parse().unwrap();
        // `_veraid.a.b.c.example.` has L = 5 labels: 2·L + 2 messages (VeraId digest §6.2).
        assert_eq!(chain_questions(&domain).unwrap().len(), 12);
    }

    #[test]
    fn asks_in_lower_case_whatever_the_case_of_the_domain() {
        let domain: Domain = "Example.COM".parse().unwrap();
        let questions = chain_questions(&domain).unwrap();
        assert_eq!(
            questions.last().unwrap().to_string(),
            "_veraid.example.com./TXT"
        );
    }

    #[test]
    fn rejects_a_domain_too_long_for_the_query_name() {
        let domain: Domain = vec!["abcdefghi"; 25].join(".").parse().unwrap();
        let error = chain_questions(&domain).unwrap_err();
        assert!(error.name.starts_with("_veraid.abcdefghi."), "{error}");
    }

    #[test]
    fn query_sets_rd_ad_cd_and_the_do_bit() {
        let question = Question::new("com.", RrType::Ds).unwrap();
        let message = Message::from_vec(&encode_query(&question, 7, 1232, None).unwrap()).unwrap();
        assert_eq!(message.metadata.id, 7);
        assert!(message.metadata.recursion_desired);
        assert!(message.metadata.authentic_data);
        assert!(message.metadata.checking_disabled);
        let edns = message.edns.unwrap();
        assert!(edns.flags().dnssec_ok);
        assert_eq!(edns.max_payload(), 1232);
    }

    #[test]
    fn rejects_a_response_to_another_question() {
        let asked = Question::new("com.", RrType::Ds).unwrap();
        let other = Question::new("org.", RrType::Ds).unwrap();
        let mut response =
            Message::from_vec(&encode_query(&other, 9, 1232, None).unwrap()).unwrap();
        response.metadata.message_type = MessageType::Response;
        let error = check_response(&response.to_vec().unwrap(), 9, &asked).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the response does not answer the query: it answers org./DS IN instead of com./DS"
        );
    }

    #[test]
    fn rejects_a_response_with_another_id() {
        let asked = Question::new("com.", RrType::Ds).unwrap();
        let mut response =
            Message::from_vec(&encode_query(&asked, 9, 1232, None).unwrap()).unwrap();
        response.metadata.message_type = MessageType::Response;
        let error = check_response(&response.to_vec().unwrap(), 10, &asked).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the response does not answer the query: its id is 9 instead of 10"
        );
    }

    #[test]
    fn rejects_a_query_echoed_back() {
        let asked = Question::new("com.", RrType::Ds).unwrap();
        let error =
            check_response(&encode_query(&asked, 9, 1232, None).unwrap(), 9, &asked).unwrap_err();
        assert!(error.to_string().contains("QR bit clear"), "{error}");
    }
}
