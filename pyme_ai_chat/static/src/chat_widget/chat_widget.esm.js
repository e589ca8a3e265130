/* Copyright 2026 pyme_ai contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {Component, onMounted, useRef, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {browser} from "@web/core/browser/browser";
import {rpc} from "@web/core/network/rpc";

const STORAGE_KEY = "pyme_ai_chat.state";
const MAX_KEPT_MESSAGES = 50;

/**
 * Chat bubble and panel. Texts from the server are plain text rendered with t-esc,
 * never as HTML.
 */
export class ChatWidget extends Component {
    static template = "pyme_ai_chat.ChatWidget";
    static props = {};

    setup() {
        const saved = this.loadState();
        this.state = useState({
            open: saved.open || false,
            token: saved.token || null,
            messages: saved.messages || [],
            quickReplies: [],
            maxLength: 500,
            input: "",
            busy: false,
            // "chat" | "contact" ("done" of older sessions reopens the chat)
            mode: saved.mode === "contact" ? "contact" : "chat",
            contact: {name: "", email: "", phone: ""},
            error: "",
            offerPerson: saved.offerPerson || false,
        });
        this.nextId = this.state.messages.length + 1;
        this.inputRef = useRef("input");
        this.buttonRef = useRef("button");
        this.messagesRef = useRef("messages");
        this.initialized = false;
        onMounted(() => {
            if (this.state.open) {
                this.initialize();
            }
        });
    }

    // ------------------------------------------------------------------ state
    loadState() {
        try {
            return JSON.parse(browser.sessionStorage.getItem(STORAGE_KEY)) || {};
        } catch {
            return {};
        }
    }

    saveState() {
        const {open, token, messages, mode, offerPerson} = this.state;
        browser.sessionStorage.setItem(
            STORAGE_KEY,
            JSON.stringify({
                open,
                token,
                mode,
                offerPerson,
                messages: messages.slice(-MAX_KEPT_MESSAGES),
            })
        );
    }

    addMessage(author, text) {
        this.state.messages.push({id: this.nextId++, author, text});
        this.saveState();
        this.scrollDown();
    }

    scrollDown() {
        browser.requestAnimationFrame(() => {
            const el = this.messagesRef.el;
            if (el) {
                el.scrollTop = el.scrollHeight;
            }
        });
    }

    focusInput() {
        browser.requestAnimationFrame(() => this.inputRef.el?.focus());
    }

    async initialize() {
        if (this.initialized) {
            return;
        }
        this.initialized = true;
        const data = await rpc("/pyme_ai_chat/init", {});
        this.state.quickReplies = data.quick_replies || [];
        this.state.maxLength = data.max_length || 500;
        if (!this.state.messages.length) {
            this.addMessage(
                "bot",
                _t("Hello! Ask me anything about us, or pick a question below.")
            );
        }
    }

    // ------------------------------------------------------------------ UI
    get labels() {
        return {
            open: _t("Open the chat"),
            close: _t("Close the chat"),
            send: _t("Send"),
            message: _t("Your message"),
        };
    }

    toggle() {
        this.state.open = !this.state.open;
        this.saveState();
        if (this.state.open) {
            this.initialize();
            this.focusInput();
            this.scrollDown();
        } else {
            this.buttonRef.el?.focus();
        }
    }

    close() {
        if (this.state.open) {
            this.toggle();
        }
    }

    onPanelKeydown(ev) {
        if (ev.key === "Escape") {
            ev.preventDefault();
            this.close();
        }
    }

    onInputKeydown(ev) {
        if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
            ev.preventDefault();
            this.send();
        }
    }

    showError(error) {
        this.state.error = error?.message || _t("Something went wrong; please try again.");
    }

    // ------------------------------------------------------------------ actions
    async send(text = null) {
        const message = (text ?? this.state.input).trim();
        if (!message || this.state.busy) {
            return;
        }
        if (message.length > this.state.maxLength) {
            this.state.error = _t("Please keep your message under %s characters.", this.state.maxLength);
            return;
        }
        this.state.error = "";
        this.state.busy = true;
        this.addMessage("visitor", message);
        if (text === null) {
            this.state.input = "";
        }
        try {
            const result = await rpc("/pyme_ai_chat/message", {
                message,
                token: this.state.token,
            });
            if (result.error) {
                this.showError(result.error);
                return;
            }
            this.state.token = result.token;
            this.addMessage("bot", result.reply);
            this.state.offerPerson = Boolean(result.handoff);
            if (result.contact) {
                // a quote, order or availability request: take the contact now
                this.state.mode = "contact";
            }
            this.saveState();
            // the bigger "talk to a person" button must not hide the last message
            this.scrollDown();
        } catch {
            this.showError();
        } finally {
            this.state.busy = false;
            this.focusInput();
        }
    }

    async talkToPerson() {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        try {
            const result = await rpc("/pyme_ai_chat/handoff", {token: this.state.token});
            if (result.error) {
                this.showError(result.error);
                return;
            }
            this.state.token = result.token;
            this.state.offerPerson = false;
            if (result.mode === "livechat" && (await this.openLivechat(result))) {
                this.addMessage("bot", result.text);
                return;
            }
            this.addMessage("bot", result.mode === "livechat" ? this.contactPrompt : result.text);
            this.state.mode = "contact";
            this.saveState();
        } catch {
            this.showError();
        } finally {
            this.state.busy = false;
        }
    }

    /**
     * True to sit above another launcher in the same corner (Odoo's live chat,
     * see pyme_ai_chat_livechat), so the two never overlap.
     * @returns {boolean}
     */
    get raised() {
        return false;
    }

    get contactPrompt() {
        return _t("Leave us your phone or email and we will contact you shortly.");
    }

    /**
     * Hand the visitor to a live chat operator; true when it worked. Overridden by
     * pyme_ai_chat_livechat.
     * @returns {Promise<boolean>}
     */
    async openLivechat() {
        return false;
    }

    async submitContact(ev) {
        ev?.preventDefault();
        if (this.state.busy) {
            return;
        }
        const {name, email, phone} = this.state.contact;
        if (!email.trim() && !phone.trim()) {
            this.state.error = _t("Please leave an email address or a phone number.");
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        try {
            const result = await rpc("/pyme_ai_chat/contact", {
                token: this.state.token,
                name,
                email,
                phone,
            });
            if (result.error) {
                this.showError(result.error);
                return;
            }
            // back to the chat: the visitor may go on asking
            this.state.mode = "chat";
            this.state.offerPerson = false;
            this.addMessage("bot", result.text);
            this.focusInput();
        } catch {
            this.showError();
        } finally {
            this.state.busy = false;
        }
    }

    cancelContact() {
        this.state.mode = "chat";
        this.state.error = "";
        this.saveState();
        this.focusInput();
    }
}
