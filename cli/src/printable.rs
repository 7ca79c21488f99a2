//! Printable forms: `possig encode --text`, `possig decode`, `possig qr`, `possig scan`.

use std::io::Read;
use std::path::Path;

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
