// Typeset the page's formulas with KaTeX (shipped in assets/katex/; loaded only on pages with math).
// Markdown writes them as \( ... \) and \[ ... \], as kramdown does for MathJax.
document.addEventListener("DOMContentLoaded", function () {
  renderMathInElement(document.querySelector("main") || document.body, {
    delimiters: [
      {left: "\\[", right: "\\]", display: true},
      {left: "\\(", right: "\\)", display: false},
    ],
    throwOnError: false,   // a formula KaTeX cannot read stays visible as its TeX source, in red
    strict: "ignore",
  });
});
