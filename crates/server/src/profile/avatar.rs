//! Avatar images: an upload (PNG or JPEG, at most [`MAX_UPLOAD_BYTES`]) is decoded
//! under strict limits, turned upright (JPEG orientation), cropped to its central
//! square and scaled to [`SIZE`]², then re-encoded as PNG. Nothing of the upload but
//! its pixels survives (no metadata, no embedded payloads), so the stored file is
//! safe to serve from our own origin. Decoding runs on blocking threads, at most
//! [`PARALLEL_DECODES`] at a time, so a burst of uploads cannot exhaust memory.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder as _, ImageFormat, ImageReader, Limits};
use tokio::sync::Semaphore;

/// Largest upload accepted (1 MiB).
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;
/// Largest width or height decoded.
pub const MAX_DIMENSION: u32 = 4096;
/// The stored avatar's width and height.
pub const SIZE: u32 = 256;
/// Bytes a decoder may allocate: one 4096² RGBA8 picture and some slack.
const MAX_DECODE_ALLOC: u64 = 80 * 1024 * 1024;
const PARALLEL_DECODES: usize = 2;

static DECODES: Semaphore = Semaphore::const_new(PARALLEL_DECODES);

/// Why an upload was refused, in words for the person who chose the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AvatarError {
    #[error("Upload a PNG or JPEG image.")]
    NotAnImage,
    #[error("Use an image of at most 4096 × 4096 pixels.")]
    TooLarge,
    #[error("This image could not be read; it may be damaged.")]
    Unreadable,
    #[error("The image could not be processed.")]
    Internal,
}

/// Decodes, squares, scales and re-encodes `upload`; the PNG to store.
pub async fn process(upload: Vec<u8>) -> Result<Vec<u8>, AvatarError> {
    let _permit = DECODES.acquire().await.map_err(|_| AvatarError::Internal)?;
    tokio::task::spawn_blocking(move || process_blocking(&upload))
        .await
        .map_err(|_| AvatarError::Internal)?
}

fn process_blocking(upload: &[u8]) -> Result<Vec<u8>, AvatarError> {
    let mut reader = ImageReader::new(Cursor::new(upload))
        .with_guessed_format()
        .map_err(|_| AvatarError::Unreadable)?;
    // The bytes decide, not the declared type: only real PNG and JPEG get decoded.
    if !matches!(reader.format(), Some(ImageFormat::Png | ImageFormat::Jpeg)) {
        return Err(AvatarError::NotAnImage);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    if let Some(orientation) = orientation {
        picture.apply_orientation(orientation);
    }
    let (width, height) = (picture.width(), picture.height());
    if width == 0 || height == 0 {
        return Err(AvatarError::Unreadable);
    }
    let side = width.min(height);
    let square = picture.crop_imm((width - side) / 2, (height - side) / 2, side, side);
    let scaled = square.resize_exact(SIZE, SIZE, FilterType::CatmullRom);
    let mut png = Vec::new();
    DynamicImage::ImageRgba8(scaled.to_rgba8())
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|_| AvatarError::Internal)?;
    Ok(png)
}

fn decode_error(error: image::ImageError) -> AvatarError {
    match error {
        image::ImageError::Limits(_) => AvatarError::TooLarge,
        image::ImageError::Unsupported(_) => AvatarError::NotAnImage,
        _ => AvatarError::Unreadable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            }
        });
        let mut bytes = Vec::new();
        DynamicImage::ImageRgb8(picture)
            .write_to(&mut Cursor::new(&mut bytes), format)
            .unwrap_or_else(|error| panic!("{error}"));
        bytes
    }

    fn decoded(png: &[u8]) -> DynamicImage {
        image::load_from_memory_with_format(png, ImageFormat::Png)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn a_wide_jpeg_becomes_a_centred_256_square_png() {
        let png = process_blocking(&encoded(600, 300, ImageFormat::Jpeg))
            .unwrap_or_else(|error| panic!("{error}"));
        let avatar = decoded(&png).to_rgb8();
        assert_eq!(avatar.dimensions(), (SIZE, SIZE));
        // The central square of a half-red, half-blue picture is still half and half.
        assert!(avatar.get_pixel(10, 128)[0] > 200);
        assert!(avatar.get_pixel(245, 128)[2] > 200);
    }

    #[test]
    fn other_formats_and_garbage_are_refused() {
        assert_eq!(
            process_blocking(b"GIF89a\x01\x00\x01\x00"),
            Err(AvatarError::NotAnImage)
        );
        assert_eq!(process_blocking(b"hello"), Err(AvatarError::NotAnImage));
        let mut truncated = encoded(64, 64, ImageFormat::Png);
        truncated.truncate(60);
        assert_eq!(process_blocking(&truncated), Err(AvatarError::Unreadable));
    }

    #[test]
    fn pictures_beyond_the_dimension_limit_are_refused() {
        // Tiny as a file, huge when decoded: the limits stop it before allocating.
        let png = encoded(MAX_DIMENSION + 1, 1, ImageFormat::Png);
        assert_eq!(process_blocking(&png), Err(AvatarError::TooLarge));
    }
}
