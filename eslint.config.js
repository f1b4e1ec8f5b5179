import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/dist/",
      "coverage/",
      "jest.config.js",
      "jest.ci.config.js",
      "eslint.config.js",
      "scripts/*.mjs",
      "bench/*.mjs",
      "packages/client/src/generated.ts",
      "packages/client/src/possible-types.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "no-console": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    // A function fits on a screen (STYLE.md): one that grows past it is split, not scrolled.
    files: ["src/**", "packages/**", "examples/**", "explorer/**"],
    rules: { "max-lines-per-function": ["error", { max: 80 }] },
  },
  {
    // Tests read the emulator's and the gateway's JSON loosely; the assertions are the check.
    files: ["test/**"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // A test fits on a screen too: describe callbacks included (tables and the kit keep it so).
      "max-lines-per-function": ["error", { max: 80 }],
    },
  },
  {
    files: [
      "scripts/**",
      "src/index.ts",
      "src/sandbox/main.ts",
      "src/emit-schema.ts",
      "src/demo/**",
    ],
    rules: { "no-console": "off" },
  },
);
