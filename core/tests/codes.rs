//! Every stable name and code of the library's enumerations, as published: the bindings, the
//! JSON views and users' scripts depend on them, so a change of derive or of a variant's name
//! must not change one.
#![allow(clippy::unwrap_used, missing_docs)]

#[test]
fn names_and_codes_are_stable() {
    for (value, code) in [
        (possig::Structure::Receipt, "receipt"),
        (possig::Structure::Strokes, "strokes"),
        (possig::Structure::Certificate, "certificate"),
        (possig::Structure::Crl, "crl"),
        (possig::Structure::Pem, "pem"),
        (possig::Structure::PrivateKey, "private_key"),
        (possig::Structure::Signature, "signature"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig::Field::SignerKeyId, "signer_key_id"),
        (possig::Field::MerchantId, "merchant_id"),
        (possig::Field::TerminalId, "terminal_id"),
        (possig::Field::Counter, "counter"),
        (possig::Field::Previous, "previous"),
        (possig::Field::IssuedAt, "issued_at"),
        (possig::Field::Body, "body"),
        (possig::Field::Amount, "amount"),
        (possig::Field::Currency, "currency"),
        (possig::Field::CardScheme, "card_scheme"),
        (possig::Field::CardBin, "card_bin"),
        (possig::Field::AuthorizationCode, "authorization_code"),
        (possig::Field::Rrn, "rrn"),
        (possig::Field::Original, "original"),
        (possig::Field::SignatureImage, "signature_image"),
        (possig::Field::ReprintNumber, "reprint_number"),
        (possig::Field::PossiblePan, "possible_pan"),
        (possig::Field::ExtensionOrder, "extension_order"),
        (possig::Field::ExtensionCritical, "extension_critical"),
        (possig::Field::ObjectIdentifier, "object_identifier"),
        (possig::Field::SignatureLength, "signature_length"),
        (possig::Field::Attachment, "attachment"),
        (possig::Field::Strokes, "strokes"),
        (possig::Field::Recovery, "recovery"),
        (possig::Field::DayClose, "day_close"),
        (possig::Field::KeyRotation, "key_rotation"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig::Limit::ReceiptSize, "receipt_size"),
        (possig::Limit::Attachments, "attachments"),
        (possig::Limit::AttachmentSize, "attachment_size"),
        (possig::Limit::Strokes, "strokes"),
        (possig::Limit::StrokePoints, "stroke_points"),
        (possig::Limit::Extensions, "extensions"),
        (possig::Limit::ExtensionValue, "extension_value"),
        (possig::Limit::TextField, "text_field"),
        (possig::Limit::ObjectIdentifier, "object_identifier"),
        (possig::Limit::ChainDepth, "chain_depth"),
        (possig::Limit::CertificateSize, "certificate_size"),
        (possig::Limit::CrlSize, "crl_size"),
        (possig::Limit::TrustCertificates, "trust_certificates"),
        (possig::Limit::PemSize, "pem_size"),
        (possig::Limit::Totals, "totals"),
        (possig::Limit::JournalRecord, "journal_record"),
        (possig::Limit::TextForm, "text_form"),
        (possig::Limit::ImagePixels, "image_pixels"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig::AlgorithmUse::CertificateKey, "certificate_key"),
        (
            possig::AlgorithmUse::CertificateSignature,
            "certificate_signature",
        ),
        (possig::AlgorithmUse::CrlSignature, "crl_signature"),
        (possig::AlgorithmUse::PrivateKey, "private_key"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig::ChainReason::IssuerNotFound, "issuer_not_found"),
        (possig::ChainReason::NotCa, "not_ca"),
        (possig::ChainReason::PathLength, "path_length"),
        (possig::ChainReason::KeyUsage, "key_usage"),
        (possig::ChainReason::ExtendedKeyUsage, "extended_key_usage"),
        (possig::ChainReason::TerminalIsCa, "terminal_is_ca"),
        (
            possig::ChainReason::UnknownCriticalExtension,
            "unknown_critical_extension",
        ),
        (possig::ChainReason::CrlSignature, "crl_signature"),
        (possig::ChainReason::CrlOutOfDate, "crl_out_of_date"),
        (possig::ChainReason::CrlUnsupported, "crl_unsupported"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig::TextProblem::Prefix, "prefix"),
        (possig::TextProblem::Character, "character"),
        (possig::TextProblem::Length, "length"),
        (possig::TextProblem::Value, "value"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig::QrProblem::Image, "image"),
        (possig::QrProblem::NotFound, "not_found"),
        (possig::QrProblem::Several, "several"),
        (possig::QrProblem::Unreadable, "unreadable"),
        (possig::QrProblem::TooLarge, "too_large"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig::ErrorKind::Malformed, "malformed"),
        (possig::ErrorKind::Limit, "limit"),
        (possig::ErrorKind::UntrustedSigner, "untrusted_signer"),
        (possig::ErrorKind::Certificate, "certificate"),
        (possig::ErrorKind::Signature, "signature"),
        (possig::ErrorKind::Time, "time"),
        (possig::ErrorKind::Io, "io"),
        (possig::ErrorKind::SignerState, "signer_state"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig::Role::Root, "root"),
        (possig::Role::Intermediate, "intermediate"),
        (possig::Role::Terminal, "terminal"),
    ] {
        assert_eq!(value.name(), code);
    }
    for (value, code) in [
        (possig::journal::Status::Valid, "valid"),
        (
            possig::journal::Status::ValidWithWarnings,
            "valid_with_warnings",
        ),
        (possig::journal::Status::Invalid, "invalid"),
        (possig::journal::Status::Unsigned, "unsigned"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig::printable::InputKind::Text, "text"),
        (possig::printable::InputKind::Image, "image"),
        (possig::printable::InputKind::Receipt, "receipt"),
        (possig::printable::InputKind::Journal, "journal"),
        (possig::printable::InputKind::Unknown, "unknown"),
    ] {
        assert_eq!(value.code(), code);
    }
    for (value, code) in [
        (possig::ReceiptKind::Sale, "sale"),
        (possig::ReceiptKind::Refund, "refund"),
        (possig::ReceiptKind::Void, "void"),
        (possig::ReceiptKind::Preauth, "preauth"),
        (possig::ReceiptKind::Completion, "completion"),
        (possig::ReceiptKind::Copy, "copy"),
        (possig::ReceiptKind::Resign, "resign"),
        (possig::ReceiptKind::Recovery, "recovery"),
        (possig::ReceiptKind::DayClose, "dayClose"),
    ] {
        assert_eq!(value.name(), code);
        assert_eq!(possig::ReceiptKind::from_name(code), Some(value));
    }
    for (value, code) in [
        (possig::EntryMode::Chip, "chip"),
        (possig::EntryMode::Contactless, "contactless"),
        (possig::EntryMode::Magstripe, "magstripe"),
        (possig::EntryMode::Manual, "manual"),
        (possig::EntryMode::Ecommerce, "ecommerce"),
    ] {
        assert_eq!(value.name(), code);
        assert_eq!(possig::EntryMode::from_name(code), Some(value));
    }
    for (value, code) in [
        (possig::CardholderVerification::None, "none"),
        (possig::CardholderVerification::Pin, "pin"),
        (possig::CardholderVerification::Signature, "signature"),
        (possig::CardholderVerification::Pending, "pending"),
        (
            possig::CardholderVerification::ConsumerDevice,
            "consumerDevice",
        ),
    ] {
        assert_eq!(value.name(), code);
        assert_eq!(possig::CardholderVerification::from_name(code), Some(value));
    }
}

#[test]
fn error_codes_are_stable() {
    assert_eq!(
        possig::Error::ALL_CODES,
        [
            "malformed",
            "trailing_data",
            "unsupported_version",
            "unsupported_algorithm",
            "invalid_public_key",
            "unknown_signer",
            "chain_invalid",
            "certificate_expired",
            "certificate_not_yet_valid",
            "revoked",
            "issued_in_future",
            "bad_signature",
            "high_s",
            "wrong_recovery_id",
            "attachment_digest_mismatch",
            "unknown_critical_extension",
            "invalid_field",
            "limit_exceeded",
            "signer_failed",
            "unsigned",
            "inclusion_proof_invalid",
            "invalid_text",
            "qr_unreadable",
            "io"
        ]
    );
}
