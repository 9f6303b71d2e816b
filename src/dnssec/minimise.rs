//! Minimised chain messages (issue 18.3): each retrieved response reduced to what validation
//! reads (the question, the answer RRsets at the question's name and type, and the RRSIGs
//! covering them), re-encoded, so that junk in the authority or additional sections, trailing
//! bytes or unsigned extra records never bloat a chain (and every token built on it) past the
//! 16 KiB bundle limit.

use hickory_proto::op::{Message, MessageType, OpCode};
use hickory_proto::rr::{RData, RecordType};

/// Why a response cannot be minimised.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum MinimiseError {
    /// It is not a DNS message.
    #[error("the response is not a valid DNS message: {0}")]
    Unparsable(String),
    /// It does not have exactly one question.
    #[error("the response has {0} questions, not 1")]
    Questions(usize),
    /// The reduced message cannot be encoded.
    #[error("cannot encode the minimised response: {0}")]
    Encode(String),
}

/// `raw` reduced to its header, its question, the answer records whose owner and type are the
/// question's (case-insensitively; a CNAME at that owner too), and the RRSIGs at that owner
/// covering them; no
/// authority, additional or OPT record. Never longer than `raw`: when re-encoding would not
/// save anything, `raw` is returned as it is.
pub fn minimise(raw: &[u8]) -> Result<Vec<u8>, MinimiseError> {
    let message = Message::from_vec(raw).map_err(|e| MinimiseError::Unparsable(e.to_string()))?;
    let [question] = message.queries.as_slice() else {
        return Err(MinimiseError::Questions(message.queries.len()));
    };
    let wanted = question.query_type();
    let owner = question.name();
    let answers = message.answers.iter().filter(|record| {
        // hickory compares names case-insensitively, as DNS does.
        if record.name != *owner {
            return false;
        }
        // A CNAME at the name is kept too: it is the answer (and what a message about a
        // refused chain names), though it never makes a chain SECURE.
        let kept = |rtype: RecordType| rtype == wanted || rtype == RecordType::CNAME;
        match &record.data {
            RData::DNSSEC(hickory_proto::dnssec::rdata::DNSSECRData::RRSIG(rrsig)) => {
                kept(rrsig.input().type_covered)
            }
            _ => kept(record.record_type()) && record.record_type() != RecordType::RRSIG,
        }
    });
    let mut minimised = Message::new(message.metadata.id, MessageType::Response, OpCode::Query);
    let metadata = &message.metadata;
    minimised.metadata.op_code = metadata.op_code;
    minimised.metadata.authoritative = metadata.authoritative;
    minimised.metadata.recursion_desired = metadata.recursion_desired;
    minimised.metadata.recursion_available = metadata.recursion_available;
    minimised.metadata.authentic_data = metadata.authentic_data;
    minimised.metadata.checking_disabled = metadata.checking_disabled;
    minimised.metadata.response_code = metadata.response_code;
    minimised.add_query(question.clone());
    minimised.add_answers(answers.cloned());
    let bytes = minimised
        .to_vec()
        .map_err(|e| MinimiseError::Encode(e.to_string()))?;
    Ok(if bytes.len() <= raw.len() {
        bytes
    } else {
        raw.to_vec()
    })
}

/// The header of `raw` in a few words, for `-vv`: the flags set, the RCODE and the record count
/// of each section (`None` when it does not parse).
pub fn header_summary(raw: &[u8]) -> Option<String> {
    let message = Message::from_vec(raw).ok()?;
    let m = &message.metadata;
    let flags: Vec<&str> = [
        (m.authoritative, "aa"),
        (m.truncation, "tc"),
        (m.recursion_desired, "rd"),
        (m.recursion_available, "ra"),
        (m.authentic_data, "ad"),
        (m.checking_disabled, "cd"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect();
    Some(format!(
        "id {}, flags [{}], RCODE {}, {} answer, {} authority, {} additional record(s){}",
        m.id,
        flags.join(" "),
        m.response_code,
        message.answers.len(),
        message.authorities.len(),
        message.additionals.len(),
        if message.edns.is_some() { ", EDNS" } else { "" }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::Query;
    use hickory_proto::rr::rdata::TXT;
    use hickory_proto::rr::{Name, Record};

    fn txt(name: &Name, text: &str) -> Record {
        Record::from_rdata(name.clone(), 300, RData::TXT(TXT::new(vec![text.into()])))
    }

    #[test]
    fn keeps_the_question_and_its_answer_and_drops_the_rest() {
        let name = Name::from_ascii("_veraid.example.com.").unwrap();
        let other = Name::from_ascii("junk.example.com.").unwrap();
        let mut message = Message::new(7, MessageType::Response, OpCode::Query);
        message.add_query(Query::query(name.clone(), RecordType::TXT));
        message.add_answer(txt(&name, "keep"));
        message.add_answer(txt(&other, "drop: another owner"));
        message.add_additionals((0..50).map(|i| txt(&other, &format!("junk {i}"))));
        message.add_authority(txt(&other, "drop: authority"));
        let mut raw = message.to_vec().unwrap();
        raw.extend_from_slice(b"trailing bytes");
        let minimised = minimise(&raw).unwrap();
        assert!(minimised.len() < raw.len());
        let parsed = Message::from_vec(&minimised).unwrap();
        assert_eq!(parsed.metadata.id, 7);
        assert_eq!(parsed.queries, message.queries);
        assert_eq!(parsed.answers.len(), 1);
        assert_eq!(parsed.answers[0].name, name);
        assert!(parsed.authorities.is_empty() && parsed.additionals.is_empty());
    }

    #[test]
    fn never_grows_a_message() {
        let name = Name::from_ascii("example.com.").unwrap();
        let mut message = Message::new(1, MessageType::Response, OpCode::Query);
        message.add_query(Query::query(name.clone(), RecordType::TXT));
        message.add_answer(txt(&name, "x"));
        let raw = message.to_vec().unwrap();
        assert!(minimise(&raw).unwrap().len() <= raw.len());
    }
}
