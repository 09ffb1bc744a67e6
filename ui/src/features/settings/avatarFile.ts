// A picture chosen for the avatar, checked before anything is sent: PNG or JPEG by type
// and by its first bytes (a renamed file is caught here, not after an upload), at most
// 1 MiB; then base64 for upload_avatar. The server checks again and decides.
import type { AvatarUpload } from "../../bindings/AvatarUpload";

export const AVATAR_MAX_BYTES = 1024 * 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

export type AvatarFile =
  | { ok: true; upload: AvatarUpload; previewUrl: string }
  | { ok: false; reason: string };

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

/** Base64 of `bytes`, in chunks small enough for String.fromCharCode's argument list. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

export async function readAvatarFile(file: File): Promise<AvatarFile> {
  if (file.type !== "image/png" && file.type !== "image/jpeg")
    return { ok: false, reason: "Choose a PNG or JPEG picture." };
  if (file.size > AVATAR_MAX_BYTES)
    return { ok: false, reason: "This picture is larger than 1 MB. Choose a smaller one." };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const signature = file.type === "image/png" ? PNG_SIGNATURE : JPEG_SIGNATURE;
  if (!startsWith(bytes, signature))
    return { ok: false, reason: "This file is not a PNG or JPEG picture." };
  const dataBase64 = toBase64(bytes);
  return {
    ok: true,
    upload: { contentType: file.type, dataBase64 },
    previewUrl: `data:${file.type};base64,${dataBase64}`,
  };
}
