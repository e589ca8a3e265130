/* Copyright 2026 pyme_ai contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {ChatWidget} from "@pyme_ai_chat/chat_widget/chat_widget.esm";
import {patch} from "@web/core/utils/patch";
import {rpc} from "@web/core/network/rpc";

patch(ChatWidget.prototype, {
    /** Odoo's live chat button is shown (an operator is online): sit above it. */
    get raised() {
        const livechat = this.env.services["im_livechat.livechat"];
        return Boolean(livechat?.available);
    },

    /** Open Odoo's live chat with an operator and carry the transcript into it. */
    async openLivechat() {
        const livechat = this.env.services["im_livechat.livechat"];
        if (!livechat?.available || !livechat.initialized) {
            return false;
        }
        const thread = await livechat.persist();
        if (!thread) {
            return false;
        }
        await rpc("/pyme_ai_chat/livechat_transcript", {
            token: this.state.token,
            channel_id: thread.id,
        });
        this.close();
        return true;
    },
});
