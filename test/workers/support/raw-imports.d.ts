/** Vite's `?raw` imports: a file's text, bundled at build time (workerd has no filesystem). */
declare module "*?raw" {
  const text: string;
  export default text;
}
