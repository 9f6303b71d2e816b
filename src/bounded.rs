//! Bounded reads: every input kliento reads (files, stdin, HTTP answer bodies) is read with a
//! cap, so that `/dev/zero` or a hostile server costs at most the cap plus one byte of memory.

use std::io::Read;

/// Caps, in bytes, for each kind of input. Over the cap, the input is refused unread.
pub mod caps {
    use crate::token::encoding::MAX_INPUT_SIZE;

    /// A token bundle in any encoding (DER, base64, header), line breaks included.
    pub const BUNDLE: usize = MAX_INPUT_SIZE;
    /// An RSA key (PEM or DER; a 4096-bit PKCS#8 PEM key is about 3.3 KiB).
    pub const KEY: usize = 64 * 1024;
    /// An X.509 certificate (PEM or DER).
    pub const CERTIFICATE: usize = 64 * 1024;
    /// A DNSSEC chain file (DER SET OF DNS messages; a bundle carries it within 16 KiB).
    pub const CHAIN: usize = 1024 * 1024;
    /// A trust-anchors file (DS records in presentation form).
    pub const TRUST_ANCHORS: usize = 64 * 1024;
    /// A JWT, client secret or refresh token file.
    pub const SECRET: usize = 16 * 1024;
}

/// Why a bounded read failed.
#[derive(Debug, thiserror::Error)]
pub enum BoundedReadError {
    /// The input has more than `limit` bytes.
    #[error("it is over the {limit}-byte limit")]
    TooLarge {
        /// The cap that was exceeded.
        limit: usize,
    },
    /// The read itself failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Reads at most `limit + 1` bytes of `reader`: the whole input when it fits in `limit`,
/// [`BoundedReadError::TooLarge`] otherwise.
pub fn read_bounded(reader: impl Read, limit: usize) -> Result<Vec<u8>, BoundedReadError> {
    let mut bytes = Vec::new();
    reader
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(BoundedReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Reads a whole file of at most `limit` bytes.
pub fn read_file_bounded(
    path: &std::path::Path,
    limit: usize,
) -> Result<Vec<u8>, BoundedReadError> {
    read_bounded(std::fs::File::open(path)?, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_one_byte_more() {
        assert_eq!(read_bounded(&b"abcd"[..], 4).unwrap(), b"abcd");
        assert!(matches!(
            read_bounded(&b"abcde"[..], 4),
            Err(BoundedReadError::TooLarge { limit: 4 })
        ));
    }

    #[test]
    fn reads_no_more_than_the_limit_plus_one_byte_of_an_endless_input() {
        let mut endless = std::io::repeat(0);
        assert!(matches!(
            read_bounded(&mut endless, 1 << 20),
            Err(BoundedReadError::TooLarge { .. })
        ));
    }
}
