// An account's picture in a fixed-size circle: the initials, covered by the avatar image
// when there is one and it loads (a broken image leaves the initials, not a hole).
import { useState } from "react";

import type { AccountView } from "../bindings/AccountView";

export function Avatar({ account, size = "small" }: { account: AccountView; size?: "small" | "large" }) {
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
