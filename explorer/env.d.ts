/** esbuild bundles imported style sheets into the explorer's app.css. */
declare module "*.css";
