//! Every stable code of reconciliation's enumerations, as published (report.json, items.csv,
//! Python): a change of derive or of a variant's name must not change one.
#![allow(missing_docs)]

#[test]
fn codes_are_stable() {
    for (value, code) in [
        (possig_reconcile::Category::Matched, "matched"),
        (possig_reconcile::Category::Mismatch, "mismatch"),
        (
            possig_reconcile::Category::MissingReceipt,
            "missing_receipt",
        ),
        (possig_reconcile::Category::NotSettled, "not_settled"),
        (
            possig_reconcile::Category::InvalidReceipt,
            "invalid_receipt",
        ),
        (possig_reconcile::Category::Duplicate, "duplicate"),
        (possig_reconcile::Category::Copy, "copy"),
        (
            possig_reconcile::Category::PendingSignature,
            "pending_signature",
        ),
        (possig_reconcile::Category::Unsigned, "unsigned"),
        (possig_reconcile::Category::Voided, "voided"),
        (
            possig_reconcile::Category::ReferenceMismatch,
            "reference_mismatch",
        ),
        (
            possig_reconcile::Category::NoSettlementExpected,
            "no_settlement_expected",
        ),
        (possig_reconcile::Category::MalformedRow, "malformed_row"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig_reconcile::Reason::Amount, "amount"),
        (possig_reconcile::Reason::Currency, "currency"),
        (possig_reconcile::Reason::Kind, "kind"),
        (possig_reconcile::Reason::Time, "time"),
        (
            possig_reconcile::Reason::VoidedButSettled,
            "voided_but_settled",
        ),
        (
            possig_reconcile::Reason::OriginalNotFound,
            "original_not_found",
        ),
        (possig_reconcile::Reason::OtherTerminal, "other_terminal"),
        (possig_reconcile::Reason::OriginalKind, "original_kind"),
        (
            possig_reconcile::Reason::RefundExceedsOriginal,
            "refund_exceeds_original",
        ),
        (possig_reconcile::Reason::SameReceipt, "same_receipt"),
        (possig_reconcile::Reason::RrnReused, "rrn_reused"),
        (possig_reconcile::Reason::SameRow, "same_row"),
        (
            possig_reconcile::Reason::ClaimedByInvalidReceipt,
            "claimed_by_invalid_receipt",
        ),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig_reconcile::SettlementColumn::Terminal, "terminal_id"),
        (possig_reconcile::SettlementColumn::Batch, "batch"),
        (possig_reconcile::SettlementColumn::Rrn, "rrn"),
        (
            possig_reconcile::SettlementColumn::AuthorizationCode,
            "authorization_code",
        ),
        (possig_reconcile::SettlementColumn::Amount, "amount"),
        (possig_reconcile::SettlementColumn::Currency, "currency"),
        (possig_reconcile::SettlementColumn::Time, "time"),
        (possig_reconcile::SettlementColumn::Kind, "kind"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig_reconcile::SettlementLimit::Line, "settlement_line"),
        (possig_reconcile::SettlementLimit::Rows, "settlement_rows"),
    ] {
        assert_eq!(value.code(), code);
    }
}

#[test]
fn settlement_columns_parse_from_their_codes_only() {
    use possig_reconcile::SettlementColumn;
    for column in SettlementColumn::ALL {
        assert_eq!(SettlementColumn::from_code(column.code()), Some(column));
    }
    for wrong in ["terminal", "Terminal_ID", "RRN", "", "amount "] {
        assert_eq!(SettlementColumn::from_code(wrong), None, "{wrong}");
    }
}
