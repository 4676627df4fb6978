// The optional, explicit sharing of a position with one verification (PIPL: consent first).
// Plain script: the public page loads no framework.
(function () {
    "use strict";
    const box = document.getElementById("tp-consent");
    if (!box || !navigator.geolocation || !window.fetch) {
        return;
    }
    box.hidden = false;
    const button = document.getElementById("tp-share");
    button.addEventListener("click", function () {
        button.disabled = true;
        navigator.geolocation.getCurrentPosition(
            function (position) {
                fetch("/trace/locate", {
                    method: "POST",
                    headers: { "Content-Type": "application/json" },
                    body: JSON.stringify({
                        serial: box.dataset.serial,
                        token: box.dataset.token,
                        latitude: position.coords.latitude,
                        longitude: position.coords.longitude,
                    }),
                }).then(function (response) {
                    if (response.status === 204) {
                        button.hidden = true;
                        document.getElementById("tp-shared").hidden = false;
                    }
                });
            },
            function () {
                button.disabled = false;
            },
            { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
        );
    });
})();
