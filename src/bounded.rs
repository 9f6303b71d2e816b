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
#[non_exhaustive]
pub enum BoundedReadError {
    /// The input has more than `limit` bytes.
    #[error("it is over the {limit}-byte limit")]
    TooLarge {
        /// The cap that was exceeded.
        limit: usize,
    },
    /// The input did not end in the time allowed (a FIFO or pipe whose writer does not finish).
    #[error("it did not end in time (a pipe or FIFO whose writer does not finish?)")]
    Stalled,
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

/// Reads a whole file of at most `limit` bytes without ever blocking past `deadline`: the file
/// is opened non-blocking, so a FIFO without a writer reads as empty instead of blocking the
/// open forever, and one whose writer never finishes is given up at the deadline
/// ([`BoundedReadError::Stalled`]). Regular files read as with [`read_file_bounded`].
pub fn read_file_bounded_by(
    path: &std::path::Path,
    limit: usize,
    deadline: std::time::Instant,
) -> Result<Vec<u8>, BoundedReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path)?;
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return Ok(bytes),
            Ok(n) => {
                bytes.extend_from_slice(&buffer[..n]);
                if bytes.len() > limit {
                    return Err(BoundedReadError::TooLarge { limit });
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                // Waiting for a local writer: bounded by the caller's deadline.
                if std::time::Instant::now() >= deadline {
                    return Err(BoundedReadError::Stalled);
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dev_zero_with_a_deadline_up_to_the_limit_only() {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        assert!(matches!(
            read_file_bounded_by(std::path::Path::new("/dev/zero"), 4096, deadline),
            Err(BoundedReadError::TooLarge { limit: 4096 })
        ));
    }

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
