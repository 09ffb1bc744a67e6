// An account's picture in a fixed-size circle: the initials, covered by the avatar image
// when there is one and it loads (a broken image leaves the initials, not a hole).
import { useState } from "react";

import type { AccountView } from "../bindings/AccountView";

type Props = {
  /** Whose picture: an account, or anything with initials and an optional image. */
  account: Pick<AccountView, "initials" | "avatarUrl">;
  size?: "small" | "large" | "xlarge";
};

export function Avatar({ account, size = "small" }: Props) {
  const [imageFailed, setImageFailed] = useState<string | null>(null);
  const showImage = account.avatarUrl !== null && imageFailed !== account.avatarUrl;
  return (
    <span className={`avatar avatar-${size}`} aria-hidden="true">
      <span className="avatar-initials">{account.initials}</span>
      {showImage && (
        <img
          className="avatar-image"
          src={account.avatarUrl ?? undefined}
          alt=""
          referrerPolicy="no-referrer"
          onError={() => setImageFailed(account.avatarUrl)}
        />
      )}
    </span>
  );
}
