/**
 * Every numeric limit that validation, sync, gossip and storage share, defined once so that what one layer
 * accepts another can always carry. Modules that owned a limit before re-export it under its old name.
 */

/** Largest fact, in canonical bytes: one fact must fit in one sync frame with room for framing. */
export const MAX_FACT_BYTES = 12 * 1024;

/** Largest sync frame (its length prefix excluded). */
export const MAX_FRAME_BYTES = 16 * 1024;

/** Largest sealed gossip payload we produce or open; bounds the work a peer can make us do per message. */
export const MAX_SEALED_BYTES = 64 * 1024;

/** Most facts in one gossip envelope. */
export const MAX_ENVELOPE_FACTS = 64;

/** Most facts one signed FactAck names: a batch of acks costs one signature, not one per fact. */
export const MAX_ACK_FACTS = 64;

/** Largest signed FactAck, in canonical bytes: MAX_ACK_FACTS CIDs (61 bytes each) with room for the rest. */
export const MAX_ACK_BYTES = 4608;

/**
 * Largest valid wall time (ms), for facts, acks and sync items alike: 2^53 − 2, so the sync wire's time code
 * `1 + time` and the HLC's carry `wall + 1` are still exact safe integers. Bound.INFINITY sits at 2^53 − 1,
 * above every item.
 */
export const MAX_WALL_TIME = Number.MAX_SAFE_INTEGER - 1;

/** Largest HLC logical counter a fact may carry (the envelope's uint32); one more carries into the wall. */
export const MAX_LOGICAL = 0xffffffff;

/**
 * How far ahead of the local clock (ms) a reading may be and still be adopted or admitted (DESIGN §3: about
 * two minutes). Beyond it a fact waits until the clock gets there, so one signed timestamp cannot drag clocks.
 */
export const CLOCK_SKEW_BOUND_MS = 120_000;

/** Longest chat message, in UTF-16 code units (JS string length) after trimming; the composer counts the same. */
export const MAX_MESSAGE_CHARS = 4000;

/**
 * Longest chat message in UTF-8 bytes: what leaves room in one fact (MAX_FACT_BYTES) for its other fields. 4000
 * characters of CJK text (3 bytes each) would not fit, so the byte bound is checked too.
 */
export const MAX_MESSAGE_BYTES = MAX_FACT_BYTES - 1024;

/** Largest snapshot blob a node decodes (about a million messages): bounds the memory a hostile blob can claim. */
export const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

/** Each part of a protocol version (major, minor, patch) at most this: in upgrade facts and in peers' claims. */
export const MAX_VERSION_PART = 65_535;
