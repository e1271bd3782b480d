import { useLocation } from "@remix-run/react";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { useT } from "../utils/i18n";

/**
 * On a narrow screen `children` wait behind a toggle button (the menu, a list's filters), so the
 * first screen shows content; on a wide one the button is hidden and `children` always show (the
 * stylesheet decides which, so the server's page is right before any script runs). Closed again
 * after each navigation, and by Escape with focus back on the button.
 */
export function NarrowDisclosure({
  id,
  label,
  className = "",
  children,
}: {
  id: string;
  label: string;
  className?: string;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const location = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation (location.key).
  useEffect(() => setOpen(false), [location.key]);
  const closeOnEscape = (event: React.KeyboardEvent) => {
    if (event.key !== "Escape" || !open) return;
    // A menu inside (the user menu) closes first.
    if (event.defaultPrevented) return;
    setOpen(false);
    button.current?.focus();
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape bubbles up from the controls inside.
    <div className={`narrow-disclosure ${className}`} onKeyDown={closeOnEscape}>
      <button
        type="button"
        ref={button}
        className="narrow-toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        {label}
      </button>
      <div id={id} className="narrow-collapsible" data-open={open || undefined}>
        {children}
      </div>
    </div>
  );
}

/**
 * A table that may be wider than the screen scrolls inside its own region, which the keyboard can
 * reach (arrow keys scroll it) and which says so while it overflows.
 */
export function ScrollingTable({ label, children }: { label: string; children: ReactNode }) {
  const t = useT();
  const region = useRef<HTMLElement>(null);
  const [overflowing, setOverflowing] = useState(false);
  useEffect(() => {
    const element = region.current;
    if (!element) return;
    const measure = () => setOverflowing(element.scrollWidth > element.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <div className="table-scroll">
      {overflowing && (
        <p className="scroll-cue" aria-hidden="true">
          {t("table.swipeCue")} <span className="scroll-cue-arrow">→</span>
        </p>
      )}
      <section
        ref={region}
        className="table-scroll-region"
        aria-label={label}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard.
        tabIndex={0}
      >
        {children}
      </section>
    </div>
  );
}
