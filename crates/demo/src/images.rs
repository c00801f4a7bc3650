//! Hero images for the demo, drawn here rather than downloaded: soft gradients with a
//! few overlapping shapes in a palette per section. Each image's alt text describes
//! what was actually drawn.

use image::{ImageEncoder, RgbImage};
use kolokol_core::{ImageVariant, NewImage};

/// Widths of the responsive renditions; the original is the widest.
pub const WIDTHS: [u32; 3] = [480, 960, 1440];
const ORIGINAL_WIDTH: u32 = 1600;

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("cannot encode {path}: {source}")]
    Encode {
        path: String,
        #[source]
        source: image::ImageError,
    },
}

/// Colours and their names, so that the alt text can say what is in the picture.
struct Palette {
    name: &'static str,
    colours: [(&'static str, [f32; 3]); 4],
}

const PALETTES: [Palette; 6] = [
    Palette {
        name: "deep red and charcoal",
        colours: [
            ("charcoal", [38.0, 38.0, 44.0]),
            ("deep red", [122.0, 31.0, 31.0]),
            ("brick", [178.0, 76.0, 58.0]),
            ("pale stone", [222.0, 214.0, 200.0]),
        ],
    },
    Palette {
        name: "teal and sand",
        colours: [
            ("dark teal", [18.0, 64.0, 70.0]),
            ("teal", [36.0, 122.0, 124.0]),
            ("sand", [214.0, 190.0, 140.0]),
            ("cream", [244.0, 236.0, 218.0]),
        ],
    },
    Palette {
        name: "blue and ochre",
        colours: [
            ("navy", [24.0, 36.0, 74.0]),
            ("cornflower", [84.0, 120.0, 190.0]),
            ("ochre", [204.0, 150.0, 52.0]),
            ("mist", [226.0, 232.0, 240.0]),
        ],
    },
    Palette {
        name: "violet and gold",
        colours: [
            ("plum", [52.0, 26.0, 64.0]),
            ("violet", [120.0, 80.0, 160.0]),
            ("gold", [222.0, 180.0, 70.0]),
            ("lilac", [230.0, 220.0, 240.0]),
        ],
    },
    Palette {
        name: "black and amber",
        colours: [
            ("near black", [20.0, 20.0, 22.0]),
            ("graphite", [70.0, 72.0, 78.0]),
            ("amber", [232.0, 160.0, 40.0]),
            ("smoke", [200.0, 200.0, 196.0]),
        ],
    },
    Palette {
        name: "green and cream",
        colours: [
            ("forest", [28.0, 60.0, 40.0]),
            ("moss", [92.0, 130.0, 80.0]),
            ("cream", [240.0, 232.0, 206.0]),
            ("rust", [170.0, 90.0, 50.0]),
        ],
    },
];

#[derive(Debug, Clone, Copy)]
enum Shape {
    Circle { x: f32, y: f32, r: f32 },
    Band { y: f32, height: f32, tilt: f32 },
}

/// A tiny deterministic generator: the same article always gets the same picture.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 10_000) as f32 / 10_000.0
    }
}

/// A picture description that can be drawn at any size.
pub struct Design {
    palette: usize,
    shapes: Vec<(Shape, usize, f32)>,
    pub alt: String,
}

impl Design {
    pub fn new(seed: u64, palette: usize) -> Self {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let palette = palette % PALETTES.len();
        let mut shapes = Vec::new();
        let circles = 2 + (rng.next() * 3.0) as usize;
        for _ in 0..circles {
            let shape = Shape::Circle {
                x: rng.next(),
                y: rng.next(),
                r: 0.1 + rng.next() * 0.35,
            };
            shapes.push((
                shape,
                1 + (rng.next() * 3.0) as usize % 3,
                0.45 + rng.next() * 0.4,
            ));
        }
        let bands = (rng.next() * 3.0) as usize;
        for _ in 0..bands {
            let shape = Shape::Band {
                y: rng.next(),
                height: 0.03 + rng.next() * 0.12,
                tilt: rng.next() * 0.6 - 0.3,
            };
            shapes.push((
                shape,
                1 + (rng.next() * 3.0) as usize % 3,
                0.35 + rng.next() * 0.4,
            ));
        }
        let band_text = match bands {
            0 => String::new(),
            1 => " crossed by a diagonal stripe".into(),
            n => format!(" crossed by {n} diagonal stripes"),
        };
        let alt = format!(
            "Abstract illustration: {circles} overlapping circles in {}{band_text}",
            PALETTES[palette].name
        );
        Self {
            palette,
            shapes,
            alt,
        }
    }

    /// Draws the design at `width` × `width·9/16`.
    pub fn draw(&self, width: u32) -> RgbImage {
        let height = width * 9 / 16;
        let colours = &PALETTES[self.palette].colours;
        let (top, bottom) = (colours[0].1, colours[1].1);
        let aspect = width as f32 / height as f32;
        RgbImage::from_fn(width, height, |px, py| {
            let u = px as f32 / width as f32;
            let v = py as f32 / height as f32;
            let mut rgb = mix(top, bottom, v * 0.8 + u * 0.2);
            for (shape, colour, alpha) in &self.shapes {
                let coverage = match *shape {
                    Shape::Circle { x, y, r } => {
                        let dx = (u - x) * aspect;
                        let dy = v - y;
                        let distance = (dx * dx + dy * dy).sqrt();
                        // A one-pixel soft edge keeps the circles smooth at every size.
                        ((r - distance) * height as f32).clamp(0.0, 1.0)
                    }
                    Shape::Band { y, height: h, tilt } => {
                        let centre = y + (u - 0.5) * tilt;
                        if (v - centre).abs() < h / 2.0 {
                            1.0
                        } else {
                            0.0
                        }
                    }
                };
                if coverage > 0.0 {
                    rgb = mix(rgb, colours[*colour].1, coverage * alpha);
                }
            }
            // A little grain, so the JPEGs look like pictures rather than posters.
            let grain =
                (((px.wrapping_mul(7919) ^ py.wrapping_mul(104_729)) % 13) as f32 - 6.0) * 0.6;
            image::Rgb([
                channel(rgb[0] + grain),
                channel(rgb[1] + grain),
                channel(rgb[2] + grain),
            ])
        })
    }
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn channel(value: f32) -> u8 {
    value.round().clamp(0.0, 255.0) as u8
}

/// A picture's files: (path in the media store, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

/// Draws the original and its renditions as JPEG files under `demo/`.
pub fn draw_hero(slug: &str, design: &Design) -> Result<(NewImage, Files), ImageError> {
    let mut files = Vec::new();
    let mut variants = Vec::new();
    for width in WIDTHS {
        let path = format!("demo/{slug}-{width}.jpg");
        let picture = design.draw(width);
        files.push((path.clone(), jpeg(&path, &picture)?));
        variants.push(ImageVariant {
            width,
            height: picture.height(),
            path,
            mime: "image/jpeg".into(),
        });
    }
    let path = format!("demo/{slug}.jpg");
    let picture = design.draw(ORIGINAL_WIDTH);
    files.push((path.clone(), jpeg(&path, &picture)?));
    let image = NewImage {
        path,
        width: ORIGINAL_WIDTH,
        height: picture.height(),
        mime: "image/jpeg".into(),
        variants,
    };
    Ok((image, files))
}

fn jpeg(path: &str, picture: &RgbImage) -> Result<Vec<u8>, ImageError> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 80)
        .write_image(
            picture.as_raw(),
            picture.width(),
            picture.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|source| ImageError::Encode {
            path: path.to_owned(),
            source,
        })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn designs_are_deterministic_and_described() {
        let a = Design::new(7, 2);
        let b = Design::new(7, 2);
        assert_eq!(a.alt, b.alt);
        assert!(a.alt.contains("blue and ochre"), "{}", a.alt);
        assert_eq!(a.draw(64).as_raw(), b.draw(64).as_raw());
        assert_ne!(Design::new(8, 2).draw(64).as_raw(), a.draw(64).as_raw());
    }

    #[test]
    fn draws_decodable_renditions() {
        let (image, files) = draw_hero("probe", &Design::new(1, 0)).unwrap();
        assert_eq!((image.width, image.height), (1600, 900));
        assert_eq!(
            image
                .variants
                .iter()
                .map(|v| (v.width, v.height))
                .collect::<Vec<_>>(),
            [(480, 270), (960, 540), (1440, 810)]
        );
        assert_eq!(files.len(), 4);
        let (path, bytes) = &files[0];
        assert_eq!(path, &image.variants[0].path);
        let decoded = image::load_from_memory(bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (480, 270));
    }
}
