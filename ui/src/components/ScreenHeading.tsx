// The title of a full-window screen. It takes focus when the screen appears, so a
// keyboard or screen-reader user lands on the new screen instead of on nothing.
import { type ReactNode, useEffect, useRef } from "react";

export function ScreenHeading({ children, id }: { children: ReactNode; id?: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <h1 ref={heading} id={id} tabIndex={-1} className="screen-title">
      {children}
    </h1>
  );
}
