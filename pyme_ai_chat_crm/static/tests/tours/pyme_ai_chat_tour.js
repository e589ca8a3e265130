/* Copyright 2026 pyme_ai contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("pyme_ai_chat_tour", {
    url: "/",
    steps: () => [
        {
            content: "Open the chat bubble",
            trigger: ".o_pyme_ai_chat_button",
            run: "click",
        },
        {
            content: "Ask for the opening hours in Spanish",
            trigger: ".o_pyme_ai_chat_input",
            run: "edit ¿a qué hora abren?",
        },
        {
            content: "Send with Enter",
            trigger: ".o_pyme_ai_chat_input",
            run: "press Enter",
        },
        {
            content: "The company's hours are answered",
            trigger: ".o_pyme_ai_chat_msg_bot:contains('08:30-14:00')",
        },
        {
            content: "Ask something the shop does not cover",
            trigger: ".o_pyme_ai_chat_input",
            run: "edit ¿reparan motores de barcos de pesca?",
        },
        {
            content: "Send it",
            trigger: ".o_pyme_ai_chat_send",
            run: "click",
        },
        {
            content: "A person is offered",
            trigger: "button.o_pyme_ai_chat_person.btn-primary",
            run: "click",
        },
        {
            content: "Leave a phone number",
            trigger: ".o_pyme_ai_chat_contact_phone",
            run: "edit 612 345 678",
        },
        {
            content: "Send the contact",
            trigger: ".o_pyme_ai_chat_contact_send",
            run: "click",
        },
        {
            content: "The visitor is thanked",
            trigger: ".o_pyme_ai_chat_msg_bot:contains('Gracias')",
        },
        {
            content: "The chat goes on after the contact: the input is back",
            trigger: ".o_pyme_ai_chat_input",
            run: "edit quiero un presupuesto para 20 sillas",
        },
        {
            content: "Send the quote request",
            trigger: ".o_pyme_ai_chat_input",
            run: "press Enter",
        },
        {
            content: "The quote request is understood",
            trigger: ".o_pyme_ai_chat_msg_bot:contains('presupuesto de 20 × sillas')",
        },
        {
            content: "and the contact form opens by itself",
            trigger: ".o_pyme_ai_chat_contact_email",
            run: "edit ana@example.com",
        },
        {
            content: "Send the contact again",
            trigger: ".o_pyme_ai_chat_contact_send",
            run: "click",
        },
        {
            content: "Thanked again, back to the chat",
            trigger: ".o_pyme_ai_chat_msg_bot:contains('Gracias'):eq(1)",
        },
        {
            content: "Type a message over the limit",
            trigger: ".o_pyme_ai_chat_input",
            run: `edit ${"a".repeat(520)}`,
        },
        {
            content: "Try to send it",
            trigger: ".o_pyme_ai_chat_send",
            run: "click",
        },
        {
            content: "The visitor is told why instead of a silent cut",
            trigger: ".o_pyme_ai_chat_error:contains('500')",
        },
    ],
});
