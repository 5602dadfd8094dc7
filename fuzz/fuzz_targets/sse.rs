//! Any bytes → the server-sent-events parser, whole and in chunks: it must never panic, and how
//! the stream is cut into chunks (a CR and its LF apart, a UTF-8 character apart, one byte at a
//! time) must not change the events.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern_runtime::fuzzing::sse_events;

/// Cut points drawn from the input itself (xorshift seeded with its FNV-1a hash), so that the
/// fuzzer's mutations explore other cuts.
fn pseudo_random_cuts(data: &[u8]) -> Vec<&[u8]> {
    let mut state = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) | 1;
    let mut chunks = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Mostly short chunks, empty ones included.
        let len = usize::try_from(state % 9).unwrap_or(0).min(rest.len());
        let (chunk, after) = rest.split_at(len);
        chunks.push(chunk);
        rest = after;
    }
    chunks
}

fuzz_target!(|data: &[u8]| {
    let whole = sse_events([data]);
    let bytewise = sse_events(data.chunks(1));
    assert_eq!(whole, bytewise, "one byte at a time");
    // A cut after every CR or LF: line endings meet the chunk boundaries.
    let after_line_ends = sse_events(data.split_inclusive(|&b| b == b'\r' || b == b'\n'));
    assert_eq!(whole, after_line_ends, "cut after each CR/LF");
    let cuts = pseudo_random_cuts(data);
    assert_eq!(whole, sse_events(cuts.iter().copied()), "cut at {cuts:?}");
    for e in &whole {
        assert!(!e.event.is_empty(), "an event without a type: {e:?}");
        assert!(!e.data.contains('\r'), "a CR in data: {e:?}");
        assert!(
            !e.event.contains(['\r', '\n']),
            "a line break in the type: {e:?}"
        );
        assert!(
            e.id.as_ref()
                .is_none_or(|id| !id.contains(['\0', '\r', '\n'])),
            "{e:?}"
        );
    }
});
