// The site's widget manager, bundled by esbuild into _vendor/widgets.js (see _ext/course_site.py).
//
// It renders the widget state that myst-nb writes into a page, like @jupyter-widgets/html-manager,
// with only what the course's explorers use: ipywidgets 8's base and controls (boxes, stacks, HTML,
// sliders, dropdowns, toggle buttons and the links between them). It leaves out the html-manager's
// ipywidgets 7 code, its output widget and renderers, its icon font, its state validator and its CDN
// loader, which make up more than half of that manager's weight. A model from any other module is
// an error, reported on the console, and that widget keeps its precomputed picture.
import { ManagerBase } from "@jupyter-widgets/base-manager";
import * as base from "@jupyter-widgets/base";
import * as controls from "@jupyter-widgets/controls";
import { Widget } from "@lumino/widgets";

import "@lumino/widgets/style/index.css";
import "@jupyter-widgets/controls/css/widgets-base.css";
import "@jupyter-widgets/controls/css/labvariables.css";

// A selection slider whose index is always one of its options. noUiSlider turns a pointer on a track
// of no width into NaN (0 / 0); passed on, that index made the linked stacks look up a frame that is
// not there ("Cannot read properties of undefined (reading 'state_change')") and the figure vanished.
// An index that is not an option is ignored and the handle goes back to the model's index.
class SelectionSliderView extends controls.SelectionSliderView {
  isOption(values) {
    const index = Number(values[0]);
    return Number.isInteger(index) && index >= 0 && index < this.model.get("_options_labels").length;
  }

  handleSliderUpdateEvent(values, handle) {
    if (this.isOption(values)) super.handleSliderUpdateEvent(values, handle);
    else this.$slider.noUiSlider.set(this.model.get("index"));
  }

  handleSliderChangeEvent(values, handle) {
    if (this.isOption(values)) super.handleSliderChangeEvent(values, handle);
  }

  handleSliderChanged(values, handle) {
    if (this.isOption(values)) super.handleSliderChanged(values, handle);
  }
}

// A stack keeps showing its frame when asked for a child it does not have.
class StackView extends controls.StackView {
  update_children() {
    const index = this.model.get("selected_index");
    if (index !== null && this.model.get("children")[index] === undefined) return;
    super.update_children();
  }
}

const MODULES = {
  "@jupyter-widgets/base": base,
  "@jupyter-widgets/controls": { ...controls, SelectionSliderView, StackView },
};

// A slider's readout keeps one width, that of its longest option, so the track beside it does not
// change length under the reader's pointer as the value changes.
function steadyReadout(view) {
  const readout = view.el.querySelector(".widget-readout");
  if (!readout || !readout.getClientRects().length) return;
  const shown = readout.textContent;
  readout.style.width = readout.style.minWidth = readout.style.maxWidth = "";
  readout.style.width = "max-content";
  readout.style.maxWidth = "none";
  let widest = 0;
  for (const label of view.model.get("_options_labels")) {
    readout.textContent = label;
    widest = Math.max(widest, readout.getBoundingClientRect().width);
  }
  readout.textContent = shown;
  const width = `${Math.ceil(widest) + 2}px`;
  readout.style.width = readout.style.minWidth = readout.style.maxWidth = width;
}

async function steadyReadouts(models) {
  for (const model of models) {
    if (model.get("_model_name") !== "SelectionSliderModel") continue;
    for (const view of await Promise.all(Object.values(model.views || {}))) steadyReadout(view);
  }
}

class SiteManager extends ManagerBase {
  async loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (module === undefined || module[className] === undefined) {
      throw new Error(`${moduleName}@${moduleVersion} ${className}: not in this site's widget manager`);
    }
    return module[className];
  }

  async display_view(view, element) {
    const shown = await view;
    Widget.attach(shown.luminoWidget || shown.pWidget, element);
    return shown;
  }

  _get_comm_info() {
    return Promise.resolve({});
  }

  _create_comm() {
    return Promise.resolve({ on_close() {}, on_msg() {}, close() {} });
  }
}

const VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
const STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';

// Render every widget view of the page; each view's area is announced with a "course-widget-shown"
// event on its <script> tag once it is on the page.
async function renderWidgets(root = document) {
  for (const stateTag of root.querySelectorAll(STATE)) {
    const manager = new SiteManager();
    const models = await manager.set_state(JSON.parse(stateTag.textContent));
    const byId = new Map(models.map((model) => [model.model_id, model]));
    await Promise.all(Array.from(root.querySelectorAll(VIEW), async (viewTag) => {
      const model = byId.get(JSON.parse(viewTag.textContent).model_id);
      if (model === undefined || viewTag.dataset.rendered) return;
      viewTag.dataset.rendered = "yes";
      const area = document.createElement("div");
      area.className = "widget-subarea";
      viewTag.parentElement.insertBefore(area, viewTag);
      try {
        await manager.display_view(manager.create_view(model), area);
        await steadyReadouts(models);
        viewTag.dispatchEvent(new CustomEvent("course-widget-shown", { bubbles: true }));
      } catch (error) {
        area.remove();
        console.error("widget not shown:", error);
      }
    }));
  }
}

window.courseWidgets = { renderWidgets };
