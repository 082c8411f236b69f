// "Copy link" beside a saved result's link. Without JavaScript, or without a clipboard, the
// button stays hidden and the link can still be selected and copied by hand.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.dataset.copy);
  var status = document.getElementById(button.dataset.copy + "-status");
  if (!field || !status || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(
      function () {
        status.textContent = "Link copied.";
      },
      function () {
        field.select();
        status.textContent = "We could not copy it. The link is selected: copy it yourself.";
      }
    );
  });
});
