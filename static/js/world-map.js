/*
 * The program dashboard's world map: a choropleth of compliance status.
 *
 * Country shapes come from world-atlas (countries-110m.json, whose feature ids are ISO 3166 numeric
 * codes), decoded by topojson-client and projected by d3-geo (Equal Earth). The page passes the
 * countries as JSON ({numeric: {name, status, label, url}}) in <script id="map-data">, and the address
 * of the atlas in the holder's data-atlas attribute.
 *
 * The map is a picture for pointer users: the holder is aria-hidden and its links are out of the tab
 * order, because the table "Countries by compliance status" right after it carries the same
 * information (and the same links) for keyboard and screen-reader users. If anything fails, the
 * table is still there and the holder says the map could not be drawn.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 960;
  var HEIGHT = 470;

  function element(name, attributes) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    return node;
  }

  function message(holder, text) {
    holder.textContent = "";
    var p = document.createElement("p");
    p.className = "ips-map__message";
    p.textContent = text;
    holder.appendChild(p);
  }

  function draw(holder, world, countries) {
    var shapes = topojson.feature(world, world.objects.countries);
    var sphere = { type: "Sphere" };
    var projection = d3.geoEqualEarth().fitExtent([[2, 2], [WIDTH - 2, HEIGHT - 2]], sphere);
    var path = d3.geoPath(projection);
    var svg = element("svg", {
      viewBox: "0 0 " + WIDTH + " " + HEIGHT,
      class: "ips-map__svg",
      focusable: "false",
    });
    svg.appendChild(element("path", { d: path(sphere), class: "ips-map__sphere" }));
    shapes.features.forEach(function (feature) {
      var d = path(feature);
      if (!d) {
        return;
      }
      var country = feature.id ? countries[feature.id] : undefined;
      var shape = element("path", { d: d, class: "ips-map__country ips-status--" + (country ? country.status : "nodata") });
      var title = element("title");
      if (country) {
        var link = element("a", {
          href: country.url,
          tabindex: "-1",
          "aria-label": country.name + ": " + country.label,
          class: "ips-map__link",
        });
        title.textContent = country.name + ": " + country.label;
        link.appendChild(title);
        link.appendChild(shape);
        svg.appendChild(link);
      } else {
        var name = (feature.properties && feature.properties.name) || "Unknown";
        title.textContent = name + ": no record";
        shape.appendChild(title);
        svg.appendChild(shape);
      }
    });
    holder.textContent = "";
    holder.appendChild(svg);
    holder.classList.add("ips-map__canvas--drawn");
  }

  function start() {
    var holder = document.getElementById("world-map");
    var source = document.getElementById("map-data");
    if (!holder || !source) {
      return;
    }
    if (!window.fetch || !window.d3 || !d3.geoEqualEarth || !window.topojson) {
      message(holder, "The map could not be drawn; the table below lists every country by status.");
      return;
    }
    var countries;
    try {
      countries = JSON.parse(source.textContent);
    } catch (error) {
      message(holder, "The map could not be drawn; the table below lists every country by status.");
      return;
    }
    fetch(holder.getAttribute("data-atlas"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("atlas " + response.status);
        }
        return response.json();
      })
      .then(function (world) {
        draw(holder, world, countries);
      })
      .catch(function () {
        message(holder, "The map could not be drawn; the table below lists every country by status.");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
