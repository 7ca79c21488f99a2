//! A vector stored in fixed-size chunks: growing it never copies what is stored, so its peak
//! memory is its size (a `Vec` briefly holds its old and new buffers, 1.5–2× its size, when it
//! grows, which is what dominates at 10⁶ records).

/// Elements per chunk: 2^14. Small enough that the last, partly filled chunk wastes little;
/// large enough that the chunk index is negligible.
const CHUNK: usize = 1 << 14;

/// An append-only vector in chunks of [`CHUNK`] elements.
#[derive(Debug)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    pub(crate) fn push(&mut self, v: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(c) = self.chunks.last_mut() {
            c.push(v);
            self.len += 1;
        }
    }
    pub(crate) fn len(&self) -> usize {
        self.len
    }
    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }
    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks.get_mut(i / CHUNK)?.get_mut(i % CHUNK)
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_get_iter_across_chunks() {
        let mut c = Chunked::default();
        for i in 0..(3 * CHUNK + 5) {
            c.push(i);
        }
        assert_eq!(c.len(), 3 * CHUNK + 5);
        assert_eq!(c.get(CHUNK), Some(&CHUNK));
        assert_eq!(c.get(3 * CHUNK + 5), None);
        *c.get_mut(7).unwrap() = 0;
        assert_eq!(c.iter().filter(|v| **v == 0).count(), 2);
        assert_eq!(c.iter().count(), 3 * CHUNK + 5);
    }
}
