//! Bytes in closer's own JSON files (a project's last good state) as lower-case hex:
//! digests, BitTorrent pieces, KEYS as they were checked.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

fn from_hex<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let s = String::deserialize(d)?;
    if s.len() % 2 != 0 {
        return Err(D::Error::custom("odd number of hex digits"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2).unwrap_or("x"), 16).map_err(D::Error::custom))
        .collect()
}

/// `[u8; N]` as hex.
pub mod array {
    use super::*;

    pub fn serialize<S: Serializer, const N: usize>(v: &[u8; N], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::util::text::hex(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<[u8; N], D::Error> {
        from_hex(d)?.try_into().map_err(|_| D::Error::custom(format!("not {N} bytes")))
    }
}

/// `Option<[u8; N]>` as hex or null.
pub mod opt_array {
    use super::*;

    pub fn serialize<S: Serializer, const N: usize>(v: &Option<[u8; N]>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(&crate::util::text::hex(v)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<Option<[u8; N]>, D::Error> {
        let Some(s) = Option::<String>::deserialize(d)? else { return Ok(None) };
        crate::util::text::unhex::<N>(&s).map(Some).ok_or_else(|| D::Error::custom(format!("not {N} hex bytes")))
    }
}

/// `Box<[u8]>` as hex.
pub mod boxed {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::util::text::hex(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Box<[u8]>, D::Error> {
        from_hex(d).map(Vec::into_boxed_slice)
    }
}

/// `Option<Arc<[u8]>>` as hex or null.
pub mod opt_shared {
    use super::*;
    use std::sync::Arc;

    pub fn serialize<S: Serializer>(v: &Option<Arc<[u8]>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(&crate::util::text::hex(v)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<[u8]>>, D::Error> {
        #[derive(Deserialize)]
        struct Hex(#[serde(deserialize_with = "super::from_hex")] Vec<u8>);
        Ok(Option::<Hex>::deserialize(d)?.map(|h| h.0.into()))
    }
}
