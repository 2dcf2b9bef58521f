// The shopping-guide page: plain JS over the JSON API, no build step, no outside requests.
"use strict";

const LIKES_KEY = "productgan.liked";  // the likes, in this browser only (see heartButton)
const state = { models: [], seedBase: 1, picked: [], liked: loadLikes(), forYouTicket: 0 };
const $ = (id) => document.getElementById(id);

function headers(accept) {
  const result = { "Content-Type": "application/json", Accept: accept };
  const key = $("api-key-input").value.trim();
  if (key) result["X-API-Key"] = key;
  return result;
}

async function call(method, path, body, accept) {
  const response = await fetch(path, { method, headers: headers(accept), body: body && JSON.stringify(body) });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try { message = (await response.json()).error || message; } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

function showStatus(message, isError = false) {
  $("status").textContent = message;
  $("status").classList.toggle("error", isError);
}

function currentModel() {
  return state.models.find((m) => m.name === $("model-select").value);
}

function chosenAttributes() {
  const chosen = {};
  for (const select of $("attribute-selects").querySelectorAll("select")) {
    if (select.value) chosen[select.dataset.attribute] = select.value;
  }
  return chosen;
}

function option(value, text) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = text;
  return element;
}

function fillAttributeSelects() {
  const box = $("attribute-selects");
  box.replaceChildren();
  const model = currentModel();
  if (!model) return;
  for (const [name, levels] of Object.entries(model.attributes)) {
    const label = document.createElement("label");
    label.append(name);
    const select = document.createElement("select");
    select.id = `attr-${name}`;
    select.dataset.attribute = name;
    select.setAttribute("data-testid", `attr-${name}`);
    select.append(option("", "any"), ...levels.map((level) => option(level, level)));
    label.append(select);
    box.append(label);
  }
}

async function loadModels() {
  try {
    const response = await call("GET", "/api/models", undefined, "application/json");
    state.models = (await response.json()).models;
    $("model-select").replaceChildren(...state.models.map((m) => option(m.name, `${m.name} (${m.resolution} px)`)));
    fillAttributeSelects();
    showStatus(state.models.length ? "Pick what you want, then Show products." : "The server has no models.");
    refreshForYou();  // likes kept from an earlier visit
  } catch (error) {
    showStatus(`Could not load the models: ${error.message}`, true);
  }
}

async function imageInto(img, response) {
  const url = URL.createObjectURL(await response.blob());
  img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
  img.src = url;
}

function productCard(product) {
  const figure = document.createElement("figure");
  figure.dataset.seed = String(product.seed);
  figure.setAttribute("data-testid", "product-card");
  const img = document.createElement("img");
  img.alt = `product ${product.seed}`;
  img.setAttribute("data-testid", "product-image");
  const caption = document.createElement("figcaption");
  caption.textContent = `#${product.seed}`;
  figure.append(img, caption, heartButton(product));
  figure.addEventListener("click", () => pick(product, figure));
  return [figure, img];
}

// Likes: {model, seed, attributes} of the products whose heart is on, kept in this browser's
// localStorage only. A product card shows generate(n=1, seed, attributes), which is exactly the
// generated reference POST /api/foryou takes, so a like needs nothing else.
function loadLikes() {
  try {
    const stored = JSON.parse(localStorage.getItem(LIKES_KEY));
    return Array.isArray(stored) ? stored : [];
  } catch (_) { return []; }  // storage off or damaged: start with no likes
}

function saveLikes() {
  try { localStorage.setItem(LIKES_KEY, JSON.stringify(state.liked)); } catch (_) { /* private mode: this page only */ }
}

function likeKey(product) {
  const attributes = Object.keys(product.attributes).sort().map((name) => [name, product.attributes[name]]);
  return JSON.stringify([product.model, product.seed, attributes]);
}

function isLiked(product) {
  return state.liked.some((liked) => likeKey(liked) === likeKey(product));
}

function setHeart(button, liked) {
  button.setAttribute("aria-pressed", String(liked));
  button.textContent = liked ? "\u2665" : "\u2661";
}

function heartButton(product) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "heart";
  button.setAttribute("data-testid", "like-button");
  button.setAttribute("aria-label", `like product ${product.seed}`);
  setHeart(button, isLiked(product));
  button.addEventListener("click", (event) => {
    event.stopPropagation();  // a like is not a pick: no variants, no morph
    const key = likeKey(product);
    const liked = !isLiked(product);
    state.liked = liked ? [...state.liked, product] : state.liked.filter((p) => likeKey(p) !== key);
    saveLikes();
    setHeart(button, liked);
    refreshForYou();
  });
  return button;
}

function forYouCard(image, levels, mediaType) {
  const figure = document.createElement("figure");
  figure.setAttribute("data-testid", "foryou-card");
  const img = document.createElement("img");
  img.alt = `for you: ${Object.values(levels).join(", ")}`;
  img.setAttribute("data-testid", "foryou-image");
  img.src = `data:${mediaType};base64,${image}`;
  const caption = document.createElement("figcaption");
  caption.textContent = Object.values(levels).join(", ");
  figure.append(img, caption);
  return figure;
}

// The "for you" row: asked again whenever the likes of the current model change. Only the answer
// to the latest request is shown (a slow answer to an older history is dropped).
async function refreshForYou() {
  const model = currentModel();
  const liked = model ? state.liked.filter((p) => p.model === model.name).slice(-64) : [];
  $("foryou-section").hidden = liked.length === 0;
  const ticket = ++state.forYouTicket;
  if (!liked.length) { $("foryou-grid").replaceChildren(); return; }
  $("foryou-status").textContent = "Finding products for you…";
  $("foryou-status").classList.remove("error");
  try {
    const body = { model: model.name, liked: liked.map((p) => ({ seed: p.seed, attributes: p.attributes })),
                   n: 6, explore: 0.3, seed: 0 };
    const answer = await (await call("POST", "/api/foryou", body, "application/json")).json();
    if (ticket !== state.forYouTicket) return;
    $("foryou-grid").replaceChildren(...answer.images.map((image, i) => forYouCard(image, answer.levels[i], answer.media_type)));
    $("foryou-status").textContent = `From the ${liked.length} product${liked.length === 1 ? "" : "s"} you liked.`;
  } catch (error) {
    if (ticket !== state.forYouTicket) return;
    $("foryou-status").textContent = error.message;
    $("foryou-status").classList.add("error");
  }
}

function forgetLikes() {
  state.liked = [];
  saveLikes();
  document.querySelectorAll("[data-testid=like-button]").forEach((button) => setHeart(button, false));
  refreshForYou();
}

async function showProducts() {
  const model = currentModel();
  if (!model) return;
  const count = Math.max(1, Math.min(24, Number($("count-input").value) || 8));
  const attributes = chosenAttributes();
  state.picked = [];
  updateMorphButton();
  $("variants-section").hidden = true;
  const grid = $("product-grid");
  grid.replaceChildren();
  showStatus("Generating…");
  // One request per product, each with its own seed: the server batches them into one pass.
  const jobs = [];
  for (let i = 0; i < count; i++) {
    const product = { model: model.name, seed: state.seedBase + i, attributes };
    const [figure, img] = productCard(product);
    grid.append(figure);
    const body = { model: model.name, attributes, n: 1, seed: product.seed };
    jobs.push(call("POST", "/api/generate", body, "image/png").then((response) => imageInto(img, response)));
  }
  try {
    await Promise.all(jobs);
    showStatus(`${count} products. Click one to see it in other colours; click two to morph.`);
  } catch (error) {
    showStatus(error.message, true);
  }
}

function variedAttribute(model) {
  const names = Object.keys(model.attributes);
  return names.find((n) => ["color", "colour"].includes(n.toLowerCase())) || names[0];
}

async function pick(product, figure) {
  document.querySelectorAll("#product-grid figure.selected").forEach((f) => f.classList.remove("selected"));
  figure.classList.add("selected");
  state.picked = [...state.picked.filter((p) => p.seed !== product.seed), product].slice(-2);
  updateMorphButton();
  await showVariants(product);
}

async function showVariants(product) {
  const model = currentModel();
  const attribute = model && variedAttribute(model);
  if (!attribute) return;
  const section = $("variants-section");
  $("variants-title").textContent = `#${product.seed} in other ${attribute === "color" || attribute === "colour" ? "colours" : attribute + "s"}`;
  const grid = $("variants-grid");
  grid.replaceChildren();
  section.hidden = false;
  try {
    const body = { model: product.model, attribute, attributes: product.attributes, seed: product.seed };
    const answer = await (await call("POST", "/api/variants", body, "application/json")).json();
    answer.levels.forEach((level, i) => {
      const figure = document.createElement("figure");
      figure.setAttribute("data-testid", "variant-card");
      const img = document.createElement("img");
      img.alt = `${level}`;
      img.setAttribute("data-testid", "variant-image");
      img.src = `data:${answer.media_type};base64,${answer.images[i]}`;
      const caption = document.createElement("figcaption");
      caption.textContent = level;
      figure.append(img, caption);
      grid.append(figure);
    });
  } catch (error) {
    showStatus(error.message, true);
  }
}

function updateMorphButton() {
  const [a, b] = state.picked;
  $("morph-button").disabled = state.picked.length < 2;
  $("morph-help").textContent = b ? `From #${a.seed} to #${b.seed}.` : "Click two products, then play the morph.";
}

async function playMorph() {
  const [a, b] = state.picked;
  if (!b) return;
  showStatus("Morphing…");
  try {
    const body = { model: a.model, seed_a: a.seed, seed_b: b.seed, attributes_a: a.attributes,
                   attributes_b: b.attributes, frames: 16, fps: 10 };
    const img = $("morph-image");
    await imageInto(img, await call("POST", "/api/morph", body, "image/gif"));
    img.hidden = false;
    showStatus(`Morph from #${a.seed} to #${b.seed}.`);
  } catch (error) {
    showStatus(error.message, true);
  }
}

$("model-select").addEventListener("change", () => { fillAttributeSelects(); refreshForYou(); });
$("forget-likes").addEventListener("click", forgetLikes);
$("show-button").addEventListener("click", showProducts);
$("more-button").addEventListener("click", () => {
  state.seedBase += Math.max(1, Number($("count-input").value) || 8);
  showProducts();
});
$("morph-button").addEventListener("click", playMorph);
// Each operation that takes an amount has its own name, range and default: choosing one puts its
// default in the field (Scale once sent Rotate's 15 degrees as its factor and was refused).
const PHOTO_AMOUNTS = {
  rotate: { name: "Degrees", value: 15, min: -360, max: 360, field: "degrees" },
  scale: { name: "Factor", value: 2, min: 0.1, max: 10, field: "factor" },
};

function photoOperationChanged() {
  const operation = $("photo-operation").value;
  const amount = PHOTO_AMOUNTS[operation];
  $("photo-color").hidden = operation !== "recolor";
  $("photo-background").hidden = operation !== "cutout";
  $("photo-amount-label").hidden = !amount;
  if (!amount) return;
  $("photo-amount-name").textContent = amount.name;
  Object.assign($("photo-amount"), { value: amount.value, min: amount.min, max: amount.max });
}

// The photo form reports next to itself, and a failed request takes the previous result away, so an
// old photo never looks like the answer to the new request.
function showPhotoStatus(message, isError = false) {
  $("photo-status").textContent = message;
  $("photo-status").classList.toggle("error", isError);
  showStatus(message, isError);
}

function clearPhotoResult() {
  const img = $("photo-result");
  img.hidden = true;
  img.removeAttribute("src");
  $("photo-result-frame").hidden = true;
}

// The chosen photo is shown as "Before" at once, from the browser's own copy (nothing is uploaded yet).
function showPhotoBefore() {
  const file = $("photo-file").files[0];
  const img = $("photo-before");
  if (img.src) URL.revokeObjectURL(img.src);
  clearPhotoResult();
  if (!file) { $("photo-before-frame").hidden = true; img.removeAttribute("src"); return; }
  img.src = URL.createObjectURL(file);
  $("photo-before-frame").hidden = false;
}

async function submitPhoto(event) {
  event.preventDefault();
  const file = $("photo-file").files[0];
  if (!file) return;
  const operation = $("photo-operation").value;
  const form = new FormData();
  form.append("file", file);
  const enhancing = operation.startsWith("enhance");
  const preparing = operation.startsWith("prepare:");
  if (enhancing) form.append("task", operation.split(":")[1] || "classic");
  else if (preparing) form.append("preset", operation.split(":")[1]);
  else if (operation === "cutout") form.append("background", $("photo-background").value);
  else form.append("operation", operation);
  if (operation === "recolor") form.append("color", $("photo-color").value);
  const amount = PHOTO_AMOUNTS[operation];
  if (amount) form.append(amount.field, $("photo-amount").value);
  const key = $("api-key-input").value.trim();
  try {
    showPhotoStatus("Processing photo...");
    const path = enhancing ? "/api/photo/enhance" : preparing ? "/api/photo/prepare"
      : operation === "cutout" ? "/api/photo/cutout" : "/api/photo/edit";
    const response = await fetch(path, { method: "POST", body: form, headers: key ? { "X-API-Key": key } : {} });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try { message = (await response.json()).error || message; } catch (_) { /* not JSON */ }
      throw new Error(message);
    }
    await imageInto($("photo-result"), response);
    $("photo-result").hidden = false;
    $("photo-result-caption").textContent = `After: ${$("photo-operation").selectedOptions[0].textContent}`;
    $("photo-result-frame").hidden = false;
    const steps = response.headers.get("X-Steps");
    showPhotoStatus(steps && steps !== "none" ? `Photo ready. Steps: ${steps}` : "Photo ready.");
  } catch (error) {
    clearPhotoResult();
    showPhotoStatus(error.message, true);
  }
}

const LEARNED_TASK_NAMES = { sr2: "Upscale x2 (learned)", sr4: "Upscale x4 (learned)", restore: "Restore (learned)" };

async function loadPhotoTasks() {
  try {
    const response = await call("GET", "/api/photo/tasks", undefined, "application/json");
    const learned = (await response.json()).tasks.filter((t) => t.task in LEARNED_TASK_NAMES);
    document.querySelectorAll("#photo-operation option[data-learned]").forEach((element) => element.remove());
    for (const t of learned) {
      const element = option(`enhance:${t.task}`, LEARNED_TASK_NAMES[t.task]);
      element.dataset.learned = "1";
      $("photo-operation").append(element);
    }
  } catch (_) { /* the classical options stay; the status line already reports a bad key */ }
}

$("api-key-input").addEventListener("change", loadModels);
$("api-key-input").addEventListener("change", loadPhotoTasks);
$("photo-form").addEventListener("submit", submitPhoto);
$("photo-file").addEventListener("change", showPhotoBefore);
$("photo-operation").addEventListener("change", photoOperationChanged);
photoOperationChanged();
loadModels();
loadPhotoTasks();
