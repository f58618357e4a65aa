//! Sets of bytes as tables: the scans of souk's hot text paths (escaping for HTML, JSON-LD and
//! XML, collapsing whitespace) find the next byte of a set by one look at each byte.

/// A set of bytes as a table, for finding the next byte of the set in a text by one look at
/// each byte (escaping, whitespace): `table[byte]` is whether `byte` is in `bytes`.
pub(crate) const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}
