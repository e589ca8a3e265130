/* Copyright 2026 pyme_ai contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {App} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {getTemplate} from "@web/core/templates";
import {registry} from "@web/core/registry";
import {session} from "@web/session";
import {ChatWidget} from "./chat_widget.esm";

/** Mounts the chat bubble on every website page where the chat is enabled. */
export const chatBootService = {
    // Translations must be loaded before the templates are rendered.
    dependencies: ["localization"],
    start(env) {
        if (!session.pyme_ai_chat?.enabled) {
            return;
        }
        const root = document.createElement("div");
        root.classList.add("o_pyme_ai_chat_root");
        document.body.appendChild(root);
        new App(ChatWidget, {
            env,
            getTemplate,
            translatableAttributes: ["data-tooltip"],
            translateFn: _t,
            dev: env.debug,
        }).mount(root);
    },
};

registry.category("services").add("pyme_ai_chat.boot", chatBootService);
