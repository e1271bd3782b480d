import { useEffect, useState } from "react";

/** False in the server's HTML and the first render, true once the page's script runs. */
export function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
