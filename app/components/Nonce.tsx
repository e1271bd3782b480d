import { createContext, useContext } from "react";

/** The per-request CSP nonce, given to the inline scripts Remix renders. Empty in the browser. */
export const NonceContext = createContext("");
export const useNonce = () => useContext(NonceContext);
