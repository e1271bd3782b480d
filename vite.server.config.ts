import { defineConfig } from "vite";

/**
 * The production server (scripts/start.ts and everything it imports from server/ and db/)
 * compiled to JavaScript for plain node: under tsx the transpiled sources and their
 * source maps stayed resident (docs/decisions/0034). Packages stay external, loaded from
 * node_modules as they are.
 */
export default defineConfig({
  logLevel: "warn",
  build: {
    ssr: "scripts/start.ts",
    outDir: "build/node",
    emptyOutDir: true,
    target: "node20",
    rollupOptions: { output: { entryFileNames: "start.js", chunkFileNames: "[name].js" } },
  },
});
