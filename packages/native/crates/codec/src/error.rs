use std::fmt;

/// What went wrong, so the binding can map it onto the SDK's error classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bytes do not follow the protocol (truncated or misaligned input).
    Malformed,
    /// Well-formed bytes whose value cannot be represented in the requested column type.
    Data,
    /// Text that is not valid UTF-8.
    Encoding,
    /// Operating-system failure (sockets, shared memory).
    Io,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    pub kind: ErrorKind,
    pub message: String,
}

impl CodecError {
    pub fn malformed(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Malformed, message: message.into() }
    }
    pub fn data(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Data, message: message.into() }
    }
    pub fn encoding(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Encoding, message: message.into() }
    }
    pub fn io(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Io, message: message.into() }
    }
    /// Prefix the binding puts in front of the message so JavaScript can pick the error class.
    pub fn tag(&self) -> &'static str {
        match self.kind {
            ErrorKind::Malformed => "S2_MALFORMED",
            ErrorKind::Data => "S2_DATA",
            ErrorKind::Encoding => "S2_ENCODING",
            ErrorKind::Io => "S2_IO",
        }
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CodecError {}

impl From<std::io::Error> for CodecError {
    fn from(e: std::io::Error) -> Self {
        CodecError::io(e.to_string())
    }
}
