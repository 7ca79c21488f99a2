//! Printable forms: `possig encode --text`, `possig decode`, `possig qr`, `possig scan`.

use std::io::Read;
use std::path::Path;
use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use possig::UnverifiedReceipt;
use possig::printable::qr::ReceiptQr;

use crate::{read, write};

fn coded(e: possig::Error) -> anyhow::Error {
    anyhow!("{e} [{}]", e.code())
}

/// A receipt file in DER or in text form.
pub(crate) fn load_receipt(path: &Path) -> Result<UnverifiedReceipt> {
    UnverifiedReceipt::from_bytes(&read(path)?)
        .map_err(|e| anyhow!("{}: {e} [{}]", path.display(), e.code()))
}

/// `possig encode --text FILE [--out F]`.
pub(crate) fn encode(file: &Path, out: Option<&Path>) -> Result<()> {
    let text = load_receipt(file)?.to_text().map_err(coded)?;
    match out {
        Some(p) => write(p, format!("{text}\n").as_bytes()),
        None => {
            println!("{text}");
            Ok(())
        }
    }
}

/// `possig decode TEXT-FILE|- --out r.der`.
pub(crate) fn decode(input: &Path, out: &Path) -> Result<()> {
    let text = if input == Path::new("-") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        String::from_utf8(read(input)?)
            .map_err(|_| anyhow!("{}: not UTF-8 text", input.display()))?
    };
    let r = UnverifiedReceipt::from_text(&text).map_err(coded)?;
    write(out, &r.to_der().map_err(coded)?)?;
    println!(
        "decoded {} (digest {}), UNVERIFIED: run possig verify",
        r.tbs().kind().name(),
        hex::encode(r.digest())
    );
    Ok(())
}

/// `possig qr FILE --out r.svg|r.png`.
pub(crate) fn qr(file: &Path, out: &Path, module_px: u32) -> Result<()> {
    let r = load_receipt(file)?;
    let code = ReceiptQr::new(&r).map_err(coded)?;
    match out.extension().and_then(|e| e.to_str()) {
        Some("svg") => write(out, code.to_svg(module_px).as_bytes())?,
        Some("png") => write(out, &code.to_png(module_px).map_err(coded)?)?,
        _ => bail!("--out must end in .svg or .png"),
    }
    println!(
        "QR version {} ({}×{} modules, ECC M, alphanumeric) written to {}",
        code.version(),
        code.modules(),
        code.modules(),
        out.display()
    );
    Ok(())
}

/// `possig scan IMAGE [--out r.der]`: prints the text form, or writes the DER.
pub(crate) fn scan(image: &Path, out: Option<&Path>) -> Result<()> {
    let text = possig::printable::qr::scan(&read(image)?)
        .map_err(|e| anyhow!("{}: {e} [{}]", image.display(), e.code()))?;
    let r = UnverifiedReceipt::from_text(&text).map_err(coded)?;
    match out {
        Some(p) => {
            write(p, &r.to_der().map_err(coded)?)?;
            println!(
                "scanned {} (digest {}) to {}, UNVERIFIED: run possig verify",
                r.tbs().kind().name(),
                hex::encode(r.digest()),
                p.display()
            );
        }
        None => println!("{text}"),
    }
    Ok(())
}

/// Print a receipt's text form (`PSR1:` + Base45 of the DER without attachments).
#[derive(clap::Args)]
pub(crate) struct EncodeArgs {
    /// Text form (the only printable encoding; required for clarity).
    #[arg(long, required = true)]
    text: bool,
    /// Receipt file (DER or text form).
    file: PathBuf,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// `possig encode`.
pub(crate) fn run_encode(a: &EncodeArgs) -> Result<bool> {
    encode(&a.file, a.out.as_deref())?;
    Ok(true)
}

/// Read a receipt's text form (file, or - for standard input) and write its DER.
#[derive(clap::Args)]
pub(crate) struct DecodeArgs {
    /// File holding the text form, or - for standard input.
    input: PathBuf,
    /// Where to write the receipt (DER).
    #[arg(long)]
    out: PathBuf,
}

/// `possig decode`.
pub(crate) fn run_decode(a: &DecodeArgs) -> Result<bool> {
    decode(&a.input, &a.out)?;
    Ok(true)
}

/// Render a receipt's QR code (ECC M, text form in alphanumeric mode) as SVG or PNG.
#[derive(clap::Args)]
pub(crate) struct QrArgs {
    /// Receipt file (DER or text form).
    file: PathBuf,
    /// Output file: .svg or .png.
    #[arg(long)]
    out: PathBuf,
    /// Pixels (PNG) or user units (SVG) per module.
    #[arg(long, default_value_t = 4)]
    module_px: u32,
}

/// `possig qr`.
pub(crate) fn run_qr(a: &QrArgs) -> Result<bool> {
    qr(&a.file, &a.out, a.module_px)?;
    Ok(true)
}

/// Read the QR code in an image (PNG or JPEG): print the text form, or write the DER.
#[derive(clap::Args)]
pub(crate) struct ScanArgs {
    /// The image.
    image: PathBuf,
    /// Write the receipt (DER) here instead of printing its text form.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// `possig scan`.
pub(crate) fn run_scan(a: &ScanArgs) -> Result<bool> {
    scan(&a.image, a.out.as_deref())?;
    Ok(true)
}
