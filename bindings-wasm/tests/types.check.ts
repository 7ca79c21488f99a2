// Type-checked by `make wasm-test` (tsc --noEmit --strict), never run: the package's declarations
// resolve (its own and the generated views.d.ts), and the views have the shape JS code relies
// on. A view field renamed in Rust without regenerating the types fails here.
import { Receipt, TrustStore, verifyJournal } from "../pkg/node/possig_wasm.js";
import type {
  Finding,
  JournalView,
  PossigError,
  ReceiptView,
  RecordOutcome,
  TrustCounts,
  VerifiedView,
} from "../pkg/node/possig_wasm.js";

export function uses(store: TrustStore, receipt: Receipt, journal: Uint8Array): number {
  const v: VerifiedView = receipt.verify(store, { at: 0, maxClockSkew: 300 });
  const shown: ReceiptView = receipt.unverifiedView();
  const amount: number | undefined = v.receipt.tbs.payment?.amount;
  const exponent: number | undefined = shown.tbs.payment?.exponent;
  const signer: string = v.receipt.tbs.signer_key_id;
  const role: string = v.path[0].role;
  const counts: TrustCounts = store.counts();
  const j: JournalView = verifyJournal(store, journal, { at: 0 });
  const first: RecordOutcome = j.records[0];
  const status: "valid" | "valid_with_warnings" | "invalid" | "unsigned" = first.status;
  let gaps = 0;
  for (const f of j.findings as Finding[]) {
    if (f.finding === "gap") gaps += f.to - f.from + 1;
  }
  const clean: boolean = j.clean && j.summary.records >= 0;
  return (
    (amount ?? 0) + (exponent ?? 0) + signer.length + role.length + counts.roots +
    counts.intermediates + counts.terminals + counts.crls + status.length + gaps + Number(clean)
  );
}

export function explain(e: unknown): string {
  const err = e as PossigError;
  return `${err.kind}/${err.code}: ${err.message}`;
}
