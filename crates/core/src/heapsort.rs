//! Sorting in place with a heapsort: O(n log n) whatever the input, and a few
//! hundred bytes of wasm where the standard library's sort (and a `BTreeSet`)
//! cost kilobytes. A leaf.

/// Sorts `items` by `key`, in place (not stable).
pub(crate) fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    let len = items.len();
    for root in (0..len / 2).rev() {
        sift_down(items, &key, root, len);
    }
    for end in (1..len).rev() {
        items.swap(0, end);
        sift_down(items, &key, 0, end);
    }
}

fn sift_down<T, K: Ord>(items: &mut [T], key: &impl Fn(&T) -> K, mut root: usize, end: usize) {
    let key_at = |items: &[T], i: usize| items.get(i).map(key);
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && key_at(items, child) < key_at(items, child + 1) {
            child += 1;
        }
        if key_at(items, root) >= key_at(items, child) {
            return;
        }
        items.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_as_the_standard_sort_does(mut items: Vec<(u8, u8)>) {
            let mut expected = items.clone();
            expected.sort_by_key(|(key, _)| *key);
            sort_by_key(&mut items, |(key, _)| *key);
            let keys = |v: &[(u8, u8)]| v.iter().map(|(k, _)| *k).collect::<Vec<_>>();
            prop_assert_eq!(keys(&items), keys(&expected));
        }
    }
}
