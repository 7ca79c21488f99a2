/** possig's views, generated from docs/schema/views.schema.json by make wasm-types: do not edit. */

export type PossigViews = ReceiptView | VerifiedView | OutcomeView | JournalView | ErrorView | ReportView;
export type Digest = string;
export type KeyId = string;
/**
 * A chain-level finding. Keys are signing key ids.
 */
export type Finding =
  | {
      finding: "malformed_record";
      /**
       * Bytes skipped.
       */
      len: number;
      /**
       * Byte offset.
       */
      offset: number;
    }
  | {
      /**
       * First counter seen.
       */
      counter: number;
      finding: "chain_start";
      /**
       * `genesis`, `anchor`, `rotation` or `first_seen`.
       */
      how: string;
      /**
       * Key.
       */
      key: string;
    }
  | {
      finding: "gap";
      /**
       * First missing counter.
       */
      from: number;
      /**
       * Key.
       */
      key: string;
      /**
       * Last missing counter.
       */
      to: number;
    }
  | {
      /**
       * The counter.
       */
      counter: number;
      finding: "fork";
      /**
       * Index of the second receipt.
       */
      index: number;
      /**
       * Key.
       */
      key: string;
    }
  | {
      /**
       * The counter.
       */
      counter: number;
      finding: "duplicate";
      /**
       * Index of the repeated record.
       */
      index: number;
      /**
       * Key.
       */
      key: string;
    }
  | {
      /**
       * The counter.
       */
      counter: number;
      finding: "reordered";
      /**
       * Index of the late record.
       */
      index: number;
      /**
       * Key.
       */
      key: string;
    }
  | {
      /**
       * The counter.
       */
      counter: number;
      finding: "replay";
      /**
       * Index of the record.
       */
      index: number;
      /**
       * Key.
       */
      key: string;
    }
  | {
      /**
       * Counter of the receipt whose link is broken.
       */
      counter: number;
      finding: "broken_link";
      /**
       * Key.
       */
      key: string;
    }
  | {
      finding: "rotation";
      /**
       * Previous key.
       */
      from: string;
      /**
       * Whether the named last receipt matches the previous key's chain head.
       */
      matches: boolean;
      /**
       * New key.
       */
      to: string;
    }
  | {
      /**
       * Seconds from issue to the verification time.
       */
      age: number;
      /**
       * Digest of the pending payment.
       */
      digest: string;
      finding: "pending";
      /**
       * Its issue time.
       */
      issued_at: number;
      /**
       * Terminal.
       */
      terminal: string;
    }
  | {
      /**
       * Digest of the payment.
       */
      digest: string;
      finding: "re_signed";
      /**
       * Issue time of the `resign` receipt.
       */
      resigned_at: number;
    }
  | {
      /**
       * Digest of the `resign` receipt.
       */
      digest: string;
      finding: "bad_resign";
      /**
       * Why.
       */
      reason: "not_pending" | "unknown_original" | "other_terminal";
    }
  | {
      /**
       * Digest of the copy.
       */
      digest: string;
      finding: "copy";
      /**
       * Digest of the original.
       */
      original: string;
      /**
       * Reprint number.
       */
      reprint: number;
    }
  | {
      /**
       * Digest of the copy.
       */
      digest: string;
      finding: "bad_copy";
      /**
       * Digest it names as the original.
       */
      original: string;
    }
  | {
      /**
       * Its counter.
       */
      counter: number;
      finding: "unsigned_covered";
      /**
       * Key.
       */
      key: string;
    }
  | {
      /**
       * Its counter.
       */
      counter: number;
      finding: "unsigned_uncovered";
      /**
       * Key.
       */
      key: string;
    }
  | {
      /**
       * Counter of the recovery receipt.
       */
      counter: number;
      finding: "bad_recovery";
      /**
       * Key.
       */
      key: string;
    }
  | {
      /**
       * Counter of the dayClose receipt.
       */
      counter: number;
      finding: "bad_day_close";
      /**
       * Key.
       */
      key: string;
      /**
       * Why.
       */
      reason: "incomplete" | "root" | "totals" | "batch_number";
    }
  | {
      /**
       * Number of receipts in it.
       */
      count: number;
      finding: "open_batch";
      /**
       * First counter of the open batch.
       */
      first: number;
      /**
       * Key.
       */
      key: string;
    };
/**
 * Why an item is in its category, where the category alone does not say.
 */
export type Reason =
  | "amount"
  | "currency"
  | "kind"
  | "time"
  | "voided_but_settled"
  | "original_not_found"
  | "other_terminal"
  | "original_kind"
  | "refund_exceeds_original"
  | "same_receipt"
  | "rrn_reused"
  | "same_row"
  | "claimed_by_invalid_receipt";

/**
 * A receipt as decoded (UNVERIFIED unless inside a [`VerifiedView`]).
 */
export interface ReceiptView {
  /**
   * Receipt digest.
   */
  digest: string;
  /**
   * The 65-byte r‖s‖v signature, hex.
   */
  signature: string;
  /**
   * The captured signature, when its attachment is present.
   */
  signature_strokes?: StrokesView | null;
  tbs: TbsView;
  /**
   * An unsigned record (signer outage).
   */
  unsigned: boolean;
}
/**
 * A captured handwritten signature.
 */
export interface StrokesView {
  /**
   * Canvas height.
   */
  height: number;
  /**
   * Pen-down strokes as (x, y) points.
   */
  strokes: [unknown, unknown][][];
  /**
   * Canvas width.
   */
  width: number;
}
/**
 * The signed content.
 */
export interface TbsView {
  /**
   * Batch number (dayClose).
   */
  batch_number?: number | null;
  /**
   * Receipts covered (recovery, dayClose).
   */
  count?: number | null;
  /**
   * Chain counter.
   */
  counter: number;
  /**
   * Extensions: (object identifier, critical, value hex).
   */
  extensions: [unknown, unknown, unknown][];
  /**
   * First counter covered (recovery, dayClose).
   */
  first_counter?: number | null;
  /**
   * Issue time, Unix seconds.
   */
  issued_at: number;
  /**
   * Kind name.
   */
  kind: string;
  /**
   * Merchant id.
   */
  merchant_id: string;
  /**
   * Original digest (copy, resign).
   */
  original?: Digest | null;
  /**
   * Payment body (payment kinds).
   */
  payment?: PaymentView | null;
  /**
   * Previous receipt digest.
   */
  previous: string;
  /**
   * Reprint number (copy).
   */
  reprint_number?: number | null;
  /**
   * Merkle root (recovery, dayClose).
   */
  root?: Digest | null;
  /**
   * Digest of the captured signature (resign).
   */
  signature_image?: Digest | null;
  /**
   * Signer key id.
   */
  signer_key_id: string;
  /**
   * Terminal id.
   */
  terminal_id: string;
  /**
   * Totals (dayClose).
   */
  totals: TotalView[];
  /**
   * Format version.
   */
  version: number;
}
/**
 * A payment body.
 */
export interface PaymentView {
  /**
   * Amount in minor units.
   */
  amount: number;
  /**
   * Authorization code.
   */
  authorization_code?: string | null;
  /**
   * BIN (6 or 8 digits).
   */
  bin: string;
  /**
   * Cardholder verification method name.
   */
  cardholder_verification: string;
  /**
   * ISO 4217 code.
   */
  currency: string;
  /**
   * The amount as people read it, from [`crate::Amount`]: `19.99 EUR`, `500 JPY`.
   */
  display: string;
  /**
   * Entry mode name.
   */
  entry_mode: string;
  /**
   * The currency's exponent (2 for EUR, 0 for JPY).
   */
  exponent: number;
  /**
   * Last four digits.
   */
  last4: string;
  /**
   * Digest of the original receipt (refund, void, completion).
   */
  original?: Digest | null;
  /**
   * Retrieval reference number.
   */
  rrn: string;
  /**
   * Card scheme.
   */
  scheme: string;
  /**
   * Digest of the captured signature's strokes.
   */
  signature_image?: Digest | null;
}
/**
 * A total of a `dayClose`.
 */
export interface TotalView {
  /**
   * Sum in minor units.
   */
  amount: number;
  /**
   * Receipts.
   */
  count: number;
  /**
   * ISO 4217 code.
   */
  currency: string;
  /**
   * The sum as people read it, from [`crate::Amount`]: `19.99 EUR`.
   */
  display: string;
  /**
   * Kind name.
   */
  kind: string;
}
/**
 * A verified receipt.
 */
export interface VerifiedView {
  /**
   * The certificate path, terminal first.
   */
  path: CertificateView[];
  receipt: ReceiptView1;
  /**
   * Warnings (empty when plainly valid).
   */
  warnings: WarningView[];
}
/**
 * A certificate of a verified path.
 */
export interface CertificateView {
  /**
   * Issuer (RFC 4514).
   */
  issuer: string;
  /**
   * Validity end, Unix seconds.
   */
  not_after: number;
  /**
   * Validity start, Unix seconds.
   */
  not_before: number;
  /**
   * `terminal`, `intermediate` or `root`.
   */
  role: string;
  /**
   * Serial number, hex.
   */
  serial: string;
  /**
   * SHA-256 of the certificate's DER.
   */
  sha256: string;
  /**
   * Subject (RFC 4514).
   */
  subject: string;
}
/**
 * A receipt as decoded (UNVERIFIED unless inside a [`VerifiedView`]).
 */
export interface ReceiptView1 {
  /**
   * Receipt digest.
   */
  digest: string;
  /**
   * The 65-byte r‖s‖v signature, hex.
   */
  signature: string;
  /**
   * The captured signature, when its attachment is present.
   */
  signature_strokes?: StrokesView | null;
  tbs: TbsView;
  /**
   * An unsigned record (signer outage).
   */
  unsigned: boolean;
}
/**
 * A warning of a valid receipt.
 */
export interface WarningView {
  /**
   * Stable code.
   */
  code: string;
  /**
   * Depth of the certificate concerned.
   */
  depth: number;
  /**
   * Plain words.
   */
  message: string;
  /**
   * Revocation time, Unix seconds (`revoked_after_signing`).
   */
  revoked_at?: number | null;
}
/**
 * The outcome of verifying one input: `outcome` is `valid`, `valid_with_warnings` or
 * `invalid` (or `included`, for an inclusion proof), then the verified receipt's fields
 * (`receipt`, `warnings`, `path`) or the `error`.
 */
export interface OutcomeView {
  /**
   * Why not (`invalid`).
   */
  error?: ErrorView | null;
  /**
   * `valid`, `valid_with_warnings`, `invalid`; `included` for an inclusion proof.
   */
  outcome: "valid" | "valid_with_warnings" | "invalid" | "included";
  /**
   * The certificate path, terminal first.
   */
  path?: CertificateView[];
  receipt?: ReceiptView2;
  /**
   * Warnings (empty when plainly valid).
   */
  warnings?: WarningView[];
}
/**
 * An error with its structured data.
 */
export interface ErrorView {
  /**
   * Size found (`limit_exceeded`).
   */
  actual?: number | null;
  /**
   * Stable code ([`Error::code`]).
   */
  code: string;
  /**
   * Certificate depth.
   */
  depth?: number | null;
  /**
   * Field (`invalid_field`).
   */
  field?: string | null;
  /**
   * Index of the attachment or extension; expected recovery id; settlement line.
   */
  index?: number | null;
  /**
   * Key id, hex (`unknown_signer`).
   */
  key_id?: KeyId | null;
  /**
   * The family ([`Error::kind`]'s code).
   */
  kind: string;
  /**
   * Limit (`limit_exceeded`).
   */
  limit?: string | null;
  /**
   * Plain words.
   */
  message: string;
  /**
   * Byte or character offset.
   */
  offset?: number | null;
  /**
   * Reason, problem, algorithm use, or settlement column, by code.
   */
  reason?: string | null;
  /**
   * Revocation time (`revoked`).
   */
  revoked_at?: number | null;
  /**
   * Structure (`malformed`, `trailing_data`).
   */
  structure?: string | null;
  /**
   * Version (`unsupported_version`).
   */
  version?: number | null;
}
/**
 * A receipt as decoded (UNVERIFIED unless inside a [`VerifiedView`]).
 */
export interface ReceiptView2 {
  /**
   * Receipt digest.
   */
  digest: string;
  /**
   * The 65-byte r‖s‖v signature, hex.
   */
  signature: string;
  /**
   * The captured signature, when its attachment is present.
   */
  signature_strokes?: StrokesView | null;
  tbs: TbsView;
  /**
   * An unsigned record (signer outage).
   */
  unsigned: boolean;
}
/**
 * A whole journal verification as one value: every record outcome, every finding (with
 * whether it is informational), the summary and whether it is clean. The bindings return it;
 * it holds every outcome, so it is for journals that fit in memory (the streaming API is
 * [`crate::journal::verify_journal`]).
 */
export interface JournalView {
  /**
   * [`crate::journal::Summary::is_clean`].
   */
  clean: boolean;
  /**
   * The chain findings, in order.
   */
  findings: Finding[];
  /**
   * Per finding: [`crate::journal::Finding::is_informational`].
   */
  informational: boolean[];
  /**
   * One outcome per record, in input order.
   */
  records: RecordOutcome[];
  summary: Summary;
}
/**
 * The outcome of one record, in input order.
 */
export interface RecordOutcome {
  /**
   * Error code when invalid (`Error::code`).
   */
  code?: string | null;
  /**
   * Counter as claimed.
   */
  counter?: number | null;
  /**
   * Receipt digest, when the record decodes.
   */
  digest?: Digest | null;
  /**
   * Position of the record in the input (0-based, garbage not counted).
   */
  index: number;
  /**
   * Signer key id, when the record decodes.
   */
  key_id?: KeyId | null;
  /**
   * Kind as claimed.
   */
  kind?: string | null;
  /**
   * Byte offset of the record in its source.
   */
  offset: number;
  /**
   * The verdict.
   */
  status: "valid" | "valid_with_warnings" | "invalid" | "unsigned";
  /**
   * Terminal id as claimed (verified only when status is valid). Shared by the outcomes of
   * one terminal: a journal does not allocate it per record.
   */
  terminal?: string | null;
  /**
   * Warning codes when valid with warnings.
   */
  warnings: string[];
}
/**
 * Counts.
 */
export interface Summary {
  /**
   * Bytes read.
   */
  bytes: number;
  /**
   * Records read.
   */
  records: number;
  /**
   * Counts per terminal id (records that do not decode are counted under `""`).
   */
  terminals: {
    [k: string]: Counts;
  };
  total: Counts1;
}
/**
 * Counts of one terminal (or of everything).
 */
export interface Counts {
  /**
   * Invalid records per error code.
   */
  errors: {
    [k: string]: number;
  };
  /**
   * Findings per code.
   */
  findings: {
    [k: string]: number;
  };
  /**
   * Records per status code.
   */
  status: {
    [k: string]: number;
  };
}
/**
 * Counts of one terminal (or of everything).
 */
export interface Counts1 {
  /**
   * Invalid records per error code.
   */
  errors: {
    [k: string]: number;
  };
  /**
   * Findings per code.
   */
  findings: {
    [k: string]: number;
  };
  /**
   * Records per status code.
   */
  status: {
    [k: string]: number;
  };
}
/**
 * A reconciliation as one serializable value: what the CLI writes to `report.json` and the
 * Python binding returns.
 */
export interface ReportView {
  /**
   * [`Report::is_clean`].
   */
  clean: boolean;
  /**
   * [`Report::is_conserved`].
   */
  conserved: boolean;
  /**
   * The items kept (the findings, or every item: the caller chooses).
   */
  items: Item[];
  /**
   * Whether `items` holds every item the caller asked for (false when it was capped).
   */
  items_complete: boolean;
  report: Report;
}
/**
 * One outcome of reconciliation: a receipt, a row, or both (and for voids and references, the
 * related original receipt).
 */
export interface Item {
  /**
   * The category.
   */
  category:
    | "matched"
    | "mismatch"
    | "missing_receipt"
    | "not_settled"
    | "invalid_receipt"
    | "duplicate"
    | "copy"
    | "pending_signature"
    | "unsigned"
    | "voided"
    | "reference_mismatch"
    | "no_settlement_expected"
    | "malformed_row";
  /**
   * For a payment whose cardholder signature is pending: seconds since issue.
   */
  pending_for?: number | null;
  /**
   * Why, where the category alone does not say.
   */
  reason?: Reason | null;
  /**
   * The receipt, if any.
   */
  receipt?: ReceiptFacts | null;
  /**
   * A second receipt in the same item: the void of a `voided` sale or completion.
   */
  related?: ReceiptFacts | null;
  /**
   * The settlement row, if any.
   */
  row?: RowFacts | null;
}
/**
 * A receipt's key fields as an item shows them. Fields come from the receipt as decoded; they
 * are verified only when `status` is `valid` or `valid_with_warnings`.
 */
export interface ReceiptFacts {
  /**
   * Amount in minor units (payment kinds).
   */
  amount?: number | null;
  /**
   * Authorization code.
   */
  authorization_code?: string | null;
  /**
   * Cardholder verification method name.
   */
  cardholder_verification?: string | null;
  /**
   * Error code when invalid.
   */
  code?: string | null;
  /**
   * Chain counter.
   */
  counter?: number | null;
  /**
   * ISO 4217 code.
   */
  currency?: string | null;
  /**
   * Receipt digest, when the record decodes.
   */
  digest?: Digest | null;
  /**
   * Position of the record in the input (0-based, across all journals).
   */
  index: number;
  /**
   * Issue time, Unix seconds.
   */
  issued_at?: number | null;
  /**
   * Kind name.
   */
  kind?: string | null;
  /**
   * Last four digits of the card.
   */
  last4?: string | null;
  /**
   * Merchant id.
   */
  merchant?: string | null;
  /**
   * Byte offset of the record in the concatenated input.
   */
  offset: number;
  /**
   * Retrieval reference number.
   */
  rrn?: string | null;
  /**
   * Journal verdict code: `valid`, `valid_with_warnings`, `invalid`, `unsigned`.
   */
  status: string;
  /**
   * Terminal id.
   */
  terminal?: string | null;
}
/**
 * A settlement row's fields as an item shows them.
 */
export interface RowFacts {
  /**
   * Amount in minor units.
   */
  amount: number;
  /**
   * Authorization code.
   */
  authorization_code: string;
  /**
   * For a malformed row: the first column at fault.
   */
  bad_column?: string | null;
  /**
   * Acquirer batch.
   */
  batch: string;
  /**
   * ISO 4217 code.
   */
  currency: string;
  /**
   * Kind name.
   */
  kind: string;
  /**
   * 1-based line in the settlement file.
   */
  line: number;
  /**
   * Retrieval reference number.
   */
  rrn: string;
  /**
   * Terminal id (empty for a malformed row).
   */
  terminal: string;
  /**
   * Transaction time, Unix seconds.
   */
  time: number;
}
/**
 * The counts.
 */
export interface Report {
  /**
   * Per category code.
   */
  categories: {
    [k: string]: CategoryCount;
  };
  /**
   * Per hour (Unix seconds of the hour's start), finding items per category code.
   */
  hours: {
    /**
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^\d+$".
     */
    [k: string]: {
      [k: string]: number;
    };
  };
  journal: Summary1;
  /**
   * Receipts read (every journal record, garbage excluded).
   */
  receipts: number;
  /**
   * Settlement rows read (blank lines excluded; malformed rows included).
   */
  rows: number;
  /**
   * Per terminal id, items per category code.
   */
  terminals: {
    [k: string]: {
      [k: string]: number;
    };
  };
  /**
   * Verification time, Unix seconds.
   */
  verified_at: number;
}
/**
 * Items, receipts and rows in one category.
 */
export interface CategoryCount {
  /**
   * Items.
   */
  items: number;
  /**
   * Receipts in those items.
   */
  receipts: number;
  /**
   * Settlement rows in those items.
   */
  rows: number;
}
/**
 * The journal verification's summary (chain findings included).
 */
export interface Summary1 {
  /**
   * Bytes read.
   */
  bytes: number;
  /**
   * Records read.
   */
  records: number;
  /**
   * Counts per terminal id (records that do not decode are counted under `""`).
   */
  terminals: {
    [k: string]: Counts;
  };
  total: Counts1;
}
