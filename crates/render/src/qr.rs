//! QR codes for pages: an authenticator's `otpauth://` address, a crypto-currency
//! address to give to.

use base64::Engine;

/// A QR code of `text` as an SVG data URI (the pages' policy allows data: images).
pub fn data_uri(text: &str) -> Result<String, String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| format!("QR code: {e}"))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_qr_code_is_an_svg_data_uri() {
        let uri = super::data_uri("otpauth://totp/Bell:ed?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert!(uri.starts_with("data:image/svg+xml;base64,"));
    }
}
