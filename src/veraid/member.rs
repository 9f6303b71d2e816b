//! Organisation members: users with a name, or bots (VeraId digest §5).

use std::fmt;

/// The name VeraId writes for a bot, in certificates and attribution attributes.
pub const BOT_NAME: &str = "@";

/// A user name as veraid-js `validateUserName` accepts it: anything without `@`, TAB, CR or LF
/// (spaces, Unicode, other control characters and the empty string are allowed).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UserName(String);

impl UserName {
    /// Validates a user name.
    pub fn new(name: &str) -> Result<Self, UserNameError> {
        if name.contains(['@', '\t', '\r', '\n']) {
            return Err(UserNameError {
                name: name.to_string(),
            });
        }
        Ok(Self(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user name veraid-js would refuse.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "invalid user name {name:?}: user names should not contain at signs or whitespace other than \
     simple spaces"
)]
pub struct UserNameError {
    /// The rejected name.
    pub name: String,
}

/// Who a member certificate or an organisation signature speaks for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Member {
    /// A named user.
    User(UserName),
    /// A bot acting for the organisation (written `@`).
    Bot,
}

impl Member {
    /// Reads the name VeraId writes (`@` is a bot, anything else a validated user name).
    pub fn from_name(name: &str) -> Result<Self, UserNameError> {
        if name == BOT_NAME {
            return Ok(Self::Bot);
        }
        UserName::new(name).map(Self::User)
    }

    /// The name as written in certificates and attributes (`@` for bots).
    pub fn name(&self) -> &str {
        match self {
            Self::User(user) => user.as_str(),
            Self::Bot => BOT_NAME,
        }
    }

    /// The user name, or `None` for a bot.
    pub fn user(&self) -> Option<&str> {
        match self {
            Self::User(user) => Some(user.as_str()),
            Self::Bot => None,
        }
    }
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_user_names_with_at_sign_tab_cr_or_lf() {
        for bad in ["a@b", "@x", "a\tb", "a\rb", "a\nb"] {
            assert_eq!(
                UserName::new(bad).unwrap_err().to_string(),
                format!(
                    "invalid user name {bad:?}: user names should not contain at signs or \
                     whitespace other than simple spaces"
                )
            );
        }
    }

    #[test]
    fn accepts_spaces_unicode_and_empty_user_names() {
        for good in ["alice", "Alice Smith", "élodie", "", "a\u{7}b"] {
            assert_eq!(UserName::new(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn at_sign_alone_is_a_bot() {
        assert_eq!(Member::from_name("@").unwrap(), Member::Bot);
        assert_eq!(Member::Bot.name(), "@");
        assert_eq!(Member::Bot.user(), None);
        assert_eq!(Member::from_name("bob").unwrap().user(), Some("bob"));
    }
}
