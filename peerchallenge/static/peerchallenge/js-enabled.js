// GOV.UK Frontend's classes for a page whose JavaScript runs, set before the body is drawn (so
// nothing jumps). A blocking file of ours, not an inline script: the Content-Security-Policy
// allows scripts from our origin only.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
