#!/usr/bin/env bash
# Refresh the KaTeX files the theme ships (templates/assets/katex/) from npm's katex package.
# Only what a browser needs: katex.min.js, its auto-render extension, katex.min.css (woff2 fonts
# only) and the MIT licence. Usage: tools/vendor_katex.sh [VERSION]
set -euo pipefail
VERSION="${1:-0.16.47}"
cd "$(dirname "$0")/.."
target=templates/assets/katex
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && npm pack --silent "katex@$VERSION" >/dev/null && tar xzf katex-*.tgz)
rm -rf "$target"
mkdir -p "$target/fonts"
cp "$scratch/package/dist/katex.min.js" "$scratch/package/dist/contrib/auto-render.min.js" \
   "$scratch/package/LICENSE" "$target/"
cp "$scratch"/package/dist/fonts/*.woff2 "$target/fonts/"
# Every browser that runs KaTeX reads woff2: drop the woff and ttf fallbacks the CSS names.
sed -E 's/,url\(fonts\/[^)]*\.woff\) format\("woff"\),url\(fonts\/[^)]*\.ttf\) format\("truetype"\)//g' \
    "$scratch/package/dist/katex.min.css" > "$target/katex.min.css"
echo "KaTeX $VERSION" > "$target/VERSION"
